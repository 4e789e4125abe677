"""Reports and photos for the portal, written by committee staff on their own pages: who may do what (a permission
table), photos checked by content and size with a description for screen readers, nothing half-saved, a refused
form keeps what was typed, unpublishing takes an item off the portal, the feed and the photo's address."""

from io import BytesIO
from pathlib import Path

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.accounts.test_isolation import _verified_login
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services
from xieshang.consultations.models import Article, Photo


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _image(fmt="JPEG", size=(640, 480), exif=False, noise=False) -> bytes:
    img = Image.effect_noise(size, 120).convert("RGB") if noise else Image.new("RGB", size, (200, 60, 40))
    out = BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {1: "N", 2: (34.0, 45.0, 0.0)}  # GPSInfo: where the photo was taken
        kwargs["exif"] = data
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def _upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ---------------------------------------------------------------------------------------------------- permissions
@pytest.fixture
def kaifeng_setup(organization, partners, staff, future):
    kaifeng = partners[0]
    kf_staff = make_user(Role.COMMITTEE_STAFF, kaifeng, username="kfstaff")
    c = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="cross_region",
        title="郑开新焦许交通一体化",
        planned_date=future,
        hosts=partners,
        venue="开封",
    )
    return c, kf_staff


# (action, object, who may) — "object" names what the permission is asked about.
MEDIA_TABLE = [
    ("add_media", "consultation", {"staff", "cohost_staff"}),
    ("add_media", "room", {"staff"}),
    ("change_media", "zz_article", {"staff"}),
    ("change_media", "kf_article", {"cohost_staff"}),
    ("change_media", "room_photo", {"staff"}),
]


@pytest.mark.parametrize(("action", "target", "allowed"), MEDIA_TABLE)
def test_media_permissions(action, target, allowed, organization, kaifeng_setup, staff, leader, member, room, convener):
    c, kf_staff = kaifeng_setup
    objects = {"consultation": c, "room": room}
    if target == "zz_article":
        objects[target] = services.article_create(actor=staff, parent=c, title="郑州报道", body="正文")
    if target == "kf_article":
        objects[target] = services.article_create(actor=kf_staff, parent=c, title="开封报道", body="正文")
    if target == "room_photo":
        objects[target] = services.photo_add(
            actor=staff, parent=room, image=_upload(_image()), alt_text="居民议事", caption="议事现场"
        )
    people = {
        "staff": staff,
        "cohost_staff": kf_staff,
        "leader": leader,
        "member": member,
        "convener": convener,
        "resident": make_user(Role.CITIZEN, organization),
        "proposals_staff": make_user(Role.PROPOSALS_STAFF, organization),
        "anonymous": make_user(None),
    }
    got = {k for k, u in people.items() if rules.has_perm(f"consultations.{action}", u, objects[target])}
    assert got == allowed


def test_services_refuse_people_without_the_right(consultation, member, room, convener):
    with pytest.raises(PermissionDenied):
        services.article_create(actor=member, parent=consultation, title="t", body="b")
    with pytest.raises(PermissionDenied):
        services.photo_add(actor=convener, parent=room, image=_upload(_image()), alt_text="a", caption="c")
    assert not Article.objects.exists() and not Photo.objects.exists()


def test_a_dropped_consultation_takes_no_more_reports(consultation, staff):
    from .conftest import advance

    services.workflow.transition(actor=staff, obj=consultation, transition_key="drop", reason="计划调整")
    c = advance({}, consultation)
    assert not rules.has_perm("consultations.add_media", staff, c)


def test_co_hosts_write_under_their_own_organization(kaifeng_setup, staff):
    c, kf_staff = kaifeng_setup
    theirs = services.article_create(actor=kf_staff, parent=c, title="开封市政协参加跨区域协商", body="正文")
    assert theirs.organization_id == kf_staff.role_grants.get().organization_id
    with pytest.raises(PermissionDenied):
        services.article_set_published(actor=staff, article=theirs, published=False)
    assert Article.objects.get(pk=theirs.pk).is_published


# ---------------------------------------------------------------------------------------------------- photos
def test_photo_is_checked_by_content_and_stored_without_metadata(room, staff, _media_root):
    photo = services.photo_add(
        actor=staff,
        parent=room,
        image=_upload(_image(exif=True), name="IMG_0001.gif", content_type="image/gif"),
        alt_text="居民在议事室讨论加装电梯",
        caption="黄河路社区议事会",
    )
    photo.refresh_from_db()
    assert photo.image.name.endswith(".jpg") and "IMG_0001" not in photo.image.name
    assert (photo.width, photo.height) == (640, 480)
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()  # no camera make, no GPS position
    assert photo.organization_id == room.organization_id and photo.is_published


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not really a picture", "无法识别"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "无法识别"),
        (_image("GIF"), "不支持 GIF"),
        (_image(size=(150, 100)), "图片太小"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_stored(room, staff, data, message, _media_root):
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=staff, parent=room, image=_upload(data), alt_text="描述", caption="说明")
    assert message in " ".join(exc.value.message_dict["image"])
    assert not Photo.objects.exists() and _files(_media_root) == []


def test_photo_size_limit(room, staff, settings, _media_root):
    settings.CONSULTATIONS_PHOTO_MAX_MB = 1
    big = _image("PNG", size=(800, 800), noise=True)
    assert len(big) > 1024 * 1024
    with pytest.raises(ValidationError, match="不能超过 1 MB"):
        services.photo_add(actor=staff, parent=room, image=_upload(big, "a.png"), alt_text="描述", caption="说明")
    assert not Photo.objects.exists() and _files(_media_root) == []


def test_photo_needs_alt_text_and_caption(room, staff, _media_root):
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=staff, parent=room, image=_upload(_image()), alt_text=" ", caption="")
    assert set(exc.value.message_dict) == {"alt_text", "caption"}
    assert _files(_media_root) == []


# ---------------------------------------------------------------------------------------------------- pages
def test_rejected_forms_keep_what_was_typed(client, consultation, staff):
    _verified_login(client, staff)
    url = f"/consultations/{consultation.pk}/media/"
    assert client.get(url).status_code == 200
    response = client.post(url + "articles/", {"title": "", "body": "委员们围绕老旧小区改造建言", "publish": "on"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写标题" in body and "委员们围绕老旧小区改造建言" in body
    response = client.post(
        url + "photos/",
        {"image": _upload(b"not an image"), "alt_text": "委员发言", "caption": "协商会现场"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "无法识别这张图片" in body and 'value="委员发言"' in body and 'value="协商会现场"' in body
    assert "请重新选择图片" in body
    assert not Article.objects.exists() and not Photo.objects.exists()


def test_staff_page_is_refused_to_others(client, consultation, room, member, resident):
    client.force_login(member)
    assert client.get(f"/consultations/{consultation.pk}/media/").status_code == 403
    client.force_login(resident)
    assert client.get(f"/consultations/rooms/{room.pk}/media/").status_code == 403
    assert (
        client.post(f"/consultations/rooms/{room.pk}/media/articles/", {"title": "t", "body": "b"}).status_code == 403
    )
    assert not Article.objects.exists()


def test_publish_edit_unpublish_through_the_pages(client, consultation, room, staff):
    _verified_login(client, staff)
    response = client.post(
        f"/consultations/rooms/{room.pk}/media/articles/",
        {"title": "黄河路社区议事室商定加装电梯方案", "body": "经过三轮协商，居民达成一致。", "publish": "on"},
    )
    assert response.status_code == 302
    article = Article.objects.get()
    response = client.post(
        f"/consultations/rooms/{room.pk}/media/photos/",
        {"image": _upload(_image(), "x.jpg"), "alt_text": "居民举手表决", "caption": "议事现场", "publish": "on"},
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    client.logout()

    page = client.get(room.get_public_url()).content.decode()
    assert "黄河路社区议事室商定加装电梯方案" in page
    assert f'src="{photo.get_file_url()}" alt="居民举手表决"' in page
    assert "三轮协商" in client.get(article.get_public_url()).content.decode()
    image = client.get(photo.get_file_url())
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "加装电梯方案" in client.get("/consultations/portal/feed/").content.decode()

    _verified_login(client, staff)
    response = client.post(f"/consultations/articles/{article.pk}/edit/", {"title": "", "body": "改过的正文"})
    assert response.status_code == 400 and "改过的正文" in response.content.decode()
    client.post(f"/consultations/articles/{article.pk}/edit/", {"title": "议事室商定加装电梯", "body": "改过的正文"})
    client.post(f"/consultations/articles/{article.pk}/publish/", {"published": "0"})
    client.post(f"/consultations/photos/{photo.pk}/publish/", {"published": "0"})
    # Staff still see their drafts (and the photo) on their own page.
    staff_page = client.get(f"/consultations/rooms/{room.pk}/media/").content.decode()
    assert "议事室商定加装电梯" in staff_page and "未发布" in staff_page
    assert client.get(photo.get_file_url()).status_code == 200
    client.logout()

    page = client.get(room.get_public_url()).content.decode()
    assert "加装电梯" not in page and photo.get_file_url() not in page
    assert client.get(article.get_public_url()).status_code == 404
    assert client.get(photo.get_file_url()).status_code == 404
    assert "加装电梯" not in client.get("/consultations/portal/feed/").content.decode()


def test_items_of_a_private_consultation_stay_off_the_portal(client, organization, staff, future):
    private = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="round_table",
        title="内部座谈",
        planned_date=future,
        venue="x",
        is_public=False,
    )
    article = services.article_create(actor=staff, parent=private, title="内部座谈纪实", body="正文")
    photo = services.photo_add(actor=staff, parent=private, image=_upload(_image()), alt_text="a", caption="c")
    assert client.get(article.get_public_url()).status_code == 404
    assert client.get(photo.get_file_url()).status_code == 404
    assert "内部座谈纪实" not in client.get("/consultations/portal/").content.decode()


def test_media_and_portal_pages_query_count_is_constant(client, consultation, room, staff, django_assert_num_queries):
    from .test_views import _count

    def add(n):
        for i in range(n):
            services.article_create(actor=staff, parent=room, title=f"报道{i}", body="正文")
            services.photo_add(actor=staff, parent=room, image=_upload(_image()), alt_text="描述", caption=f"图{i}")

    add(1)
    _verified_login(client, staff)
    staff_url = f"/consultations/rooms/{room.pk}/media/"
    staff_base = _count(client, staff_url)
    client.logout()
    public_urls = ["/consultations/portal/", room.get_public_url(), "/consultations/portal/feed/"]
    public_base = {url: _count(client, url) for url in public_urls}
    add(3)
    for url, n in public_base.items():
        with django_assert_num_queries(n):
            client.get(url)
    _verified_login(client, staff)
    client.get(staff_url)
    with django_assert_num_queries(staff_base):
        client.get(staff_url)
