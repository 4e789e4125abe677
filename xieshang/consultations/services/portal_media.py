"""Reports and photos for the public portal (《郑在协商》), written by committee staff of a consultation's hosts or
a room's organization."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.services import lock, refresh, require

from ..models import Article, Consultation, Photo, Room
from ._base import NOT_PERMITTED
from .cross_region import media_organization

if TYPE_CHECKING:
    from django.core.files.base import ContentFile

    from xieshang.accounts.models import User

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


PHOTO_MIN_SIDE = 200


PHOTO_MAX_PIXELS = 40_000_000


def photo_max_mb() -> int:
    from django.conf import settings

    return int(getattr(settings, "CONSULTATIONS_PHOTO_MAX_MB", 5))


def _parent_links(parent: Any) -> dict[str, Any]:
    if isinstance(parent, Consultation):
        return {"consultation": parent, "room": None}
    if isinstance(parent, Room):
        return {"consultation": None, "room": parent}
    raise ValueError("an article or photo belongs to a consultation or a room")


def _check_article(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > 120:
        errors["title"] = _("标题最多 120 字，当前 %(n)d 字。") % {"n": len(title)}
    if not body:
        errors["body"] = _("请填写正文。")
    elif len(body) > 20000:
        errors["body"] = _("正文最多 20000 字，当前 %(n)d 字。") % {"n": len(body)}
    if errors:
        raise ValidationError(errors)
    return title, body


def article_create(*, actor: User, parent: Any, title: str, body: str, publish: bool = True) -> Article:
    """A report on a consultation or a room, written by committee staff; published at once or kept as a draft."""
    require(actor, "consultations.add_media", parent, NOT_PERMITTED)
    title, body = _check_article(title, body)
    organization_id = media_organization(actor, parent)
    with transaction.atomic():
        article = Article.objects.create(
            organization_id=organization_id,
            title=title,
            body=body,
            is_published=bool(publish),
            created_by=actor,
            **_parent_links(parent),
        )
        audit_record(
            actor=actor,
            action="consultations.article_create",
            obj=article,
            organization=organization_id,
            detail={"published": bool(publish)},
        )
    return article


def article_update(*, actor: User, article: Article, title: str, body: str) -> Article:
    require(actor, "consultations.change_media", article, NOT_PERMITTED)
    title, body = _check_article(title, body)
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(title=title, body=body, updated_at=timezone.now())
        article.title, article.body = title, body
        audit_record(actor=actor, action="consultations.article_update", obj=article, organization=article.organization)
    return article


def article_set_published(*, actor: User, article: Article, published: bool) -> Article:
    """Publish (again) or take off the portal; publishing for the first time after a draft dates it today."""
    require(actor, "consultations.change_media", article, NOT_PERMITTED)
    with transaction.atomic():
        locked = lock(article)
        if locked.is_published != bool(published):
            locked.is_published = bool(published)
            fields = ["is_published"]
            if published:
                locked.published_at = timezone.now()
                fields.append("published_at")
            locked.save(update_fields=fields)
            audit_record(
                actor=actor,
                action="consultations.article_publish" if published else "consultations.article_unpublish",
                obj=locked,
                organization=locked.organization_id,
            )
    return refresh(article, locked)


def clean_photo(upload: Any) -> ContentFile[bytes]:
    """Check an upload by its content (never its name or declared type) and return it re-encoded without metadata
    (EXIF may carry the GPS position of a resident's home) under a name of ours. ValidationError keyed "image"."""
    import uuid
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload is None:
        raise ValidationError({"image": _("请选择要上传的图片。")})
    limit = photo_max_mb()
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(
            {
                "image": _("图片不能超过 %(mb)s MB，这张有 %(size).1f MB。")
                % {"mb": limit, "size": upload.size / 1024 / 1024}
            }
        )
    unreadable = ValidationError({"image": _("无法识别这张图片，请上传 JPEG、PNG 或 WebP 格式的照片。")})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(
            {"image": _("不支持 %(fmt)s 格式，请上传 JPEG、PNG 或 WebP 格式的照片。") % {"fmt": fmt or "?"}}
        )
    if width * height > PHOTO_MAX_PIXELS:
        raise ValidationError({"image": _("图片尺寸过大（%(w)d×%(h)d），请缩小后再上传。") % {"w": width, "h": height}})
    if min(width, height) < PHOTO_MIN_SIDE:
        raise ValidationError(
            {
                "image": _("图片太小（%(w)d×%(h)d），短边至少 %(min)d 像素。")
                % {"w": width, "h": height, "min": PHOTO_MIN_SIDE}
            }
        )
    try:
        upload.seek(0)
        with Image.open(upload) as opened:
            img = ImageOps.exif_transpose(opened)
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = BytesIO()
            options = {"quality": 88, "optimize": True} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            img.save(out, format=fmt, **options)
    except (OSError, ValueError, SyntaxError):
        raise unreadable from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{PHOTO_FORMATS[fmt]}")


def photo_add(*, actor: User, parent: Any, image: Any, alt_text: str, caption: str, publish: bool = True) -> Photo:
    """A photo for the portal: validated by content, size-limited, with a description read out by screen readers
    (alt text) and a caption shown beneath it. Nothing is stored when anything is refused."""
    require(actor, "consultations.add_media", parent, NOT_PERMITTED)
    alt_text, caption = (alt_text or "").strip(), (caption or "").strip()
    errors: dict[str, str | list[str]] = {}
    if not alt_text:
        errors["alt_text"] = _("请描述图片内容（如“委员在会上发言”），供视障读者的读屏软件朗读。")
    elif len(alt_text) > 200:
        errors["alt_text"] = _("图片描述最多 200 字。")
    if not caption:
        errors["caption"] = _("请填写图片说明。")
    elif len(caption) > 120:
        errors["caption"] = _("图片说明最多 120 字。")
    try:
        cleaned = clean_photo(image)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    organization_id = media_organization(actor, parent)
    with transaction.atomic():
        photo = Photo(
            organization_id=organization_id,
            alt_text=alt_text,
            caption=caption,
            is_published=bool(publish),
            created_by=actor,
            **_parent_links(parent),
        )
        assert cleaned.name is not None  # clean_photo names the file it returns
        photo.image.save(cleaned.name, cleaned, save=False)
        # The file is written before the row; if the row fails, remove the file so nothing is left half-saved.
        try:
            photo.save()
            audit_record(actor=actor, action="consultations.photo_add", obj=photo, organization=organization_id)
        except Exception:
            photo.image.delete(save=False)
            raise
    return photo


def photo_set_published(*, actor: User, photo: Photo, published: bool) -> Photo:
    require(actor, "consultations.change_media", photo, NOT_PERMITTED)
    with transaction.atomic():
        updated = (
            Photo.objects.filter(pk=photo.pk).exclude(is_published=bool(published)).update(is_published=bool(published))
        )
        if updated:
            audit_record(
                actor=actor,
                action="consultations.photo_publish" if published else "consultations.photo_unpublish",
                obj=photo,
                organization=photo.organization_id,
            )
    photo.is_published = bool(published)
    return photo
