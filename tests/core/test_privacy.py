"""Masking of personal contact data in published text (shared/domain.md: mask contact data in anything published)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xieshang.core.privacy import mask_name, mask_personal_data, mask_phone


@pytest.mark.parametrize(
    ("text", "masked", "gone"),
    [
        ("联系电话13812345678。", "联系电话138****5678。", "12345678"),
        ("手机 +86 138 1234 5678", "+86 138 **** 5678", "1234 5678"),
        ("电话138-1234-5678", "138-****-5678", "1234-5678"),
        ("座机 0371-67181234", "0371-****1234", "67181234"),
        ("座机 (0371)6718-1234", "(0371)****-1234", "6718"),
        ("邮箱 zhang.san@example.com", "z***@example.com", "zhang.san"),
        ("身份证号410105199001011234", "4****************4", "41010519900101"),
        ("身份证号41010519900101123X", "4****************X", "19900101"),
        ("旧身份证410105900101123", "4*************3", "900101"),
    ],
)
def test_contact_data_in_text_is_masked(text, masked, gone):
    result = mask_personal_data(text)
    assert masked in result and gone not in result


def test_ordinary_numbers_stay():
    text = "2026年投入资金1500000元，惠及3.2万户，编号〔2026〕第0123号，12345678901234567890"
    assert mask_personal_data(text) == text


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.text(alphabet="提案答复，。 ", max_size=5))
def test_any_mobile_keeps_only_its_ends(mobile, around):
    result = mask_personal_data(around + mobile + around)
    assert mobile not in result and mobile[:3] + "****" + mobile[-4:] in result


def test_contact_fields():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("0371-67181234") == "0371-****1234"
    assert mask_phone("67181234") == "****1234"
    assert mask_name("王科长") == "王**" and mask_name("") == ""
    assert not re.search(r"\d{5}", mask_phone("8888 67181234"))
