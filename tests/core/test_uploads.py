"""The shared upload check (xieshang.core.uploads): type by content, not only by name; size; count; messages."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xieshang.core.uploads import DEFAULT_TYPES, upload_problem, validate_upload, validate_uploads


def _zip(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
GOOD = {
    "报告.pdf": b"%PDF-1.7\n...",
    "报告.doc": OLE2,
    "表格.xls": OLE2,
    "报告.docx": _zip("[Content_Types].xml", "word/document.xml"),
    "表格.xlsx": _zip("[Content_Types].xml", "xl/workbook.xml"),
    "照片.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "照片.JPEG": b"\xff\xd8\xff\xe1\x00\x10Exif",
    "截图.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "说明.txt": "群众反映的情况说明。".encode(),
    "说明GBK.txt": "群众反映的情况说明。".encode("gb18030"),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_allowed_types_with_their_real_content_pass(name):
    assert upload_problem(SimpleUploadedFile(name, GOOD[name])) is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("病毒.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program renamed
        ("报告.docx", _zip("xl/workbook.xml")),  # a spreadsheet renamed
        ("报告.docx", b"PK\x03\x04 not a zip"),
        ("表格.xlsx", _zip("word/document.xml")),
        ("照片.jpg", b"\x89PNG\r\n\x1a\n"),
        ("截图.png", b"<svg onload=alert(1)>"),
        ("说明.txt", b"\x7fELF\x02\x01\x01\x00\x00"),
        ("报告.doc", b"{\\rtf1 ..."),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(name, content):
    problem = upload_problem(SimpleUploadedFile(name, content))
    assert problem and name in problem and "扩展名与实际内容不符" in problem


def test_types_size_and_emptiness():
    assert "文件类型不受支持" in upload_problem(SimpleUploadedFile("程序.exe", b"MZ"))
    assert "pdf、doc" in upload_problem(SimpleUploadedFile("脚本.js", b"alert(1)"))
    assert "文件类型不受支持" in upload_problem(SimpleUploadedFile("无扩展名", b"%PDF-1.4"))
    assert "超过 1 MB" in upload_problem(SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (1024 * 1024)), max_mb=1)
    assert "空文件" in upload_problem(SimpleUploadedFile("空.pdf", b""))
    assert upload_problem(SimpleUploadedFile("a.ofd", _zip("OFD.xml")), allowed=[*DEFAULT_TYPES, "ofd"]) is None
    with pytest.raises(ValidationError) as err:
        validate_upload(SimpleUploadedFile("程序.exe", b"MZ"))
    assert "程序.exe" in err.value.messages[0]


def test_a_list_reports_every_problem_at_once_and_leaves_files_readable():
    files = [
        SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
        SimpleUploadedFile("b.pdf", b"MZ"),
        SimpleUploadedFile("c.exe", b"MZ"),
    ]
    with pytest.raises(ValidationError) as err:
        validate_uploads(files, max_count=2)
    assert len(err.value.messages) == 3 and "附件最多 2 个" in err.value.messages[0]
    validate_uploads(files[:1], max_count=2)
    assert files[0].read() == b"%PDF-1.4"  # rewound for storing


def test_slides_are_checked_when_a_domain_allows_them():
    slides = ("pdf", "ppt", "pptx")
    assert upload_problem(SimpleUploadedFile("汇报.pptx", _zip("ppt/presentation.xml")), allowed=slides) is None
    assert upload_problem(SimpleUploadedFile("汇报.ppt", OLE2), allowed=slides) is None
    assert "扩展名与实际内容不符" in upload_problem(
        SimpleUploadedFile("汇报.pptx", _zip("word/document.xml")), allowed=slides
    )
    assert "文件类型不受支持" in upload_problem(SimpleUploadedFile("汇报.pptx", _zip("ppt/x.xml")))
