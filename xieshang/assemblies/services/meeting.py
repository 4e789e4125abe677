"""The meeting's agenda and documents. Documents are checked and stored as the consultations' materials are: by
content and size (the same accepted types and limit), under a name of ours, the original name kept for the download."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.consultations.services import MATERIAL_MAX_MB, MATERIAL_TYPES
from xieshang.core.uploads import upload_problem

from ..models import AgendaItem, Document, Session
from ._base import lock, require, text_error


def _not_closed(session: Session) -> None:
    if session.state == Session.State.CLOSED:
        raise ValidationError(_("会议已闭会，不能再修改。"))


def agenda_add(
    *, actor: Any, session: Session, title: str, presenter: str = "", scheduled_at: datetime | None = None
) -> AgendaItem:
    require(actor, "assemblies.add_agenda", session)
    _not_closed(session)
    errors: dict[str, str] = {}
    if message := text_error(title, 200, _("议程")):
        errors["title"] = message
    if len(presenter or "") > 80 and (too_long := text_error(presenter, 80, _("报告人/主持人"))):
        errors["presenter"] = too_long
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock(session)
        same = session.agenda.filter(title=title.strip(), presenter=(presenter or "").strip()).first()
        if same is not None:  # a repeated post: the item is already there
            return same
        last = session.agenda.aggregate(last=Max("order"))["last"] or 0
        item = AgendaItem.objects.create(
            session=session,
            order=last + 1,
            title=title.strip(),
            presenter=(presenter or "").strip(),
            scheduled_at=scheduled_at,
        )
        audit_record(actor=actor, action="assemblies.agenda_add", obj=session, detail={"title": item.title})
    return item


def document_add(*, actor: Any, session: Session, title: str, upload: Any) -> Document:
    require(actor, "assemblies.add_document", session)
    _not_closed(session)
    errors: dict[str, str] = {}
    if message := text_error(title, 120, _("文件名称")):
        errors["title"] = message
    if upload is None:
        errors["file"] = _("请选择文件。")
    elif problem := upload_problem(upload, allowed=MATERIAL_TYPES, max_mb=MATERIAL_MAX_MB):
        errors["file"] = problem
    if errors:
        raise ValidationError(errors)
    original = os.path.basename(upload.name or "document")[:200]
    same = session.documents.filter(title=title.strip(), filename=original, size=upload.size or 0).first()
    if same is not None:  # a repeated post: the document is already there
        return same
    ext = os.path.splitext(original)[1].lower()[:8]
    document = Document(
        session=session,
        organization_id=session.organization_id,
        title=title.strip(),
        filename=original,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    document.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            audit_record(actor=actor, action="assemblies.document_add", obj=session, detail={"title": document.title})
    except Exception:
        document.file.delete(save=False)
        raise
    return document
