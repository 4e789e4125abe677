"""What consultations register with search: a consultation (topic, description, agenda), its meeting materials
(会议材料: title, file name and the text of Word and Excel files), its minutes,
recommendations and room outcomes (建议案与议事成果), and community-room topics; and the hooks that keep the index
current.

Who finds what is who may open it (rules.py, portal.py):
- a consultation and its minutes: anyone with a role in one of its hosts ("consultations.view_consultation");
  everyone signed in once the portal shows them (a public consultation not dropped; the minutes once reported);
- a meeting material: the people invited and the hosts' committee staff and leaders ("consultations.view_materials");
  never public;
- an outcome: visibility.OUTCOME, anyone with a role in the consultation's hosts (a room outcome: in its
  organization), the responsible leader, the responsible unit's officers, the room's convener
  ("consultations.view_outcome"). The portal lists an
  outcome's title and state but never its text, so outcomes are never public in search;
- a room topic: anyone with a role in the room's organization ("consultations.view_room"); the portal shows only
  titles, so topics are not public either.

Writes (docs/decisions/0008-side-effects.md): no signals. Each service that changes what a document shows or who
reads it calls the index_* function below by name, every transition of the three workflows re-indexes its object
(hooks.py), and the admin's raw edits re-index through admin.py. Every call goes through
search.services.index_keys_later: one task per object per transaction, after commit.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xieshang.search import registry
from xieshang.search.registry import ORGANIZATION, PUBLIC, RESTRICTED, SearchDoc
from xieshang.workflow.selectors import state_has

from .models import Consultation, Material, Outcome, Topic
from .visibility import CONSULTATION as CONSULTATION_VISIBILITY
from .visibility import MATERIALS
from .visibility import OUTCOME as OUTCOME_VISIBILITY
from .workflows import CANCELLED, CONSULTATION_WORKFLOW, MINUTES_PUBLIC, OUTCOME_WORKFLOW, TOPIC_WORKFLOW

CONSULTATION = "consultation"
MATERIAL = "consultation_material"
MINUTES = "consultation_minutes"
OUTCOME = "consultation_outcome"
TOPIC = "room_topic"


def _state(obj) -> str:
    return obj.state.key if obj.state_id else ""


def _on_portal(consultation: Consultation) -> bool:
    return consultation.is_public and not state_has(consultation, CANCELLED)


def _states(workflow) -> list[tuple[str, str]]:
    return [(s["key"], s["name"]) for s in workflow["states"]]


def consultation_document(consultation: Consultation) -> SearchDoc | None:
    agenda = [
        f"{segment.get_kind_display()}：{segment.title}{f' — {segment.speaker_name}' if segment.speaker_name else ''}"
        for segment in consultation.segments.all()
    ]
    public = _on_portal(consultation)
    return SearchDoc(
        title=consultation.title,
        body="\n".join([consultation.description, *agenda]).strip(),
        organization_id=consultation.organization_id,
        year=consultation.plan_year,
        state=_state(consultation),
        category=consultation.kind,
        url=consultation.get_public_url() if public else consultation.get_absolute_url(),
        doc_date=consultation.planned_date,
        visibility=PUBLIC if public else RESTRICTED,
        **CONSULTATION_VISIBILITY.reader_fields(consultation),
    )


MATERIAL_TEXT_LIMIT = 200_000  # characters of a document's text that are indexed


def _document_text(data: bytes, ext: str) -> list[str]:
    """The paragraphs and cells of a .docx or .xlsx (run in a child process with memory and time limits)."""
    import io

    handle = io.BytesIO(data)
    parts: list[str] = []
    if ext == "docx":
        from docx import Document

        document = Document(handle)
        parts = [p.text for p in document.paragraphs if p.text.strip()]
        parts += [c.text for t in document.tables for row in t.rows for c in row.cells if c.text.strip()]
    elif ext == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(handle, read_only=True, data_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts += [str(v) for v in row if isinstance(v, str) and v.strip()]
                if sum(len(p) for p in parts) > MATERIAL_TEXT_LIMIT:
                    break
        workbook.close()
    return parts


def material_text(material: Material) -> str:
    """The text of an uploaded Word or Excel (2007+) document, for the index (title and file name always). PDF, the
    older Office formats, PowerPoint and pictures are found by their title and file name only: no text extraction for
    them is installed. The archive is checked first (core.uploads.archive_problem: a zip bomb stored before that
    check existed is skipped) and parsed in a child process with memory and time limits (core.uploads.run_limited)."""
    import contextlib
    import os

    from xieshang.core.uploads import archive_problem, run_limited

    ext = os.path.splitext(material.filename or material.file.name)[1].lower().lstrip(".")
    if ext not in ("docx", "xlsx"):
        return ""
    parts: list[str] = []
    # An unreadable file still has its title in the index.
    with contextlib.suppress(Exception), material.file.open("rb") as handle:
        if archive_problem(handle, material.filename or "") is None:
            handle.seek(0)
            parts = run_limited(_document_text, handle.read(), ext) or []
    return "\n".join(parts)[:MATERIAL_TEXT_LIMIT]


def material_document(material: Material) -> SearchDoc | None:
    """Readers are those of consultations.view_materials: the people invited, the hosts' committee staff and
    leaders."""
    consultation = material.consultation
    return SearchDoc(
        title=material.title,
        body="\n".join(t for t in (material.filename, material_text(material)) if t),
        organization_id=consultation.organization_id,
        year=consultation.plan_year,
        state=_state(consultation),
        category=consultation.kind,
        url=f"{consultation.get_absolute_url()}#h-mat",
        doc_date=material.created_at.date(),
        visibility=RESTRICTED,
        **MATERIALS.reader_fields(consultation),
    )


def minutes_document(consultation: Consultation) -> SearchDoc | None:
    if not consultation.minutes.strip():
        return None
    public = _on_portal(consultation) and state_has(consultation, MINUTES_PUBLIC)
    return SearchDoc(
        title=consultation.title,
        body=consultation.minutes,
        organization_id=consultation.organization_id,
        year=consultation.plan_year,
        state=_state(consultation),
        category=consultation.kind,
        url=consultation.get_public_url() if public else consultation.get_absolute_url(),
        doc_date=(consultation.minutes_sent_at.date() if consultation.minutes_sent_at else consultation.planned_date),
        visibility=PUBLIC if public else RESTRICTED,
        **CONSULTATION_VISIBILITY.reader_fields(consultation),
    )


def outcome_document(outcome: Outcome) -> SearchDoc | None:
    year = outcome.consultation.plan_year if outcome.consultation_id else outcome.created_at.year
    units = [outcome.owner_unit_id] if outcome.owner_unit_id else []
    return SearchDoc(
        title=outcome.title,
        body="\n".join(t for t in (outcome.body, outcome.instruction) if t),
        organization_id=outcome.organization_id,
        year=year,
        state=_state(outcome),
        category=outcome.source,
        unit_ids=units,
        url=outcome.get_absolute_url(),
        doc_date=outcome.created_at.date(),
        visibility=RESTRICTED,
        **OUTCOME_VISIBILITY.reader_fields(outcome),
    )


def topic_document(topic: Topic) -> SearchDoc | None:
    return SearchDoc(
        title=topic.title,
        body=topic.body,
        organization_id=topic.room.organization_id,
        year=topic.raised_at.year,
        state=_state(topic),
        url=topic.get_absolute_url(),
        doc_date=topic.raised_at.date(),
        visibility=ORGANIZATION,
    )


def topic_places(topic_ids) -> dict[int, registry.HitPlace]:
    """The room of each room topic found: its readers (a role in the room's organization) may open the room."""
    from django.utils.translation import gettext

    rows = Topic.objects.filter(pk__in=topic_ids).select_related("room").only("id", "room_id", "room__id", "room__name")
    label = gettext("议事室")
    return {t.pk: registry.HitPlace(label, t.room.name, t.room.get_absolute_url()) for t in rows}


def _consultations():
    return Consultation.objects.select_related("state")


def _materials():
    return Material.objects.select_related("consultation__state")


def _outcomes():
    return Outcome.objects.select_related("state", "consultation", "topic__room")


def _topics():
    # Only published topics are searched: one awaiting moderation or rejected is read by its author and staff alone.
    return Topic.objects.filter(status=Topic.Moderation.PUBLISHED).select_related("state", "room")


# --- keeping the index current


def _later(pairs) -> None:
    from xieshang.search.services import index_keys_later

    index_keys_later(pairs)


def index_consultation(consultation_id: int | None) -> None:
    """The consultation, its minutes and its outcomes (whose readers follow the hosts)."""
    if not consultation_id:
        return
    outcomes = Outcome.objects.filter(consultation_id=consultation_id).values_list("pk", flat=True)
    materials = Material.objects.filter(consultation_id=consultation_id).values_list("pk", flat=True)
    _later(
        [
            (CONSULTATION, consultation_id),
            (MINUTES, consultation_id),
            *((OUTCOME, pk) for pk in outcomes),
            *((MATERIAL, pk) for pk in materials),
        ]
    )


def index_agenda(consultation_id: int | None) -> None:
    """The consultation's document only (its agenda changed)."""
    if consultation_id:
        _later([(CONSULTATION, consultation_id)])


def index_material(material_id: int | None) -> None:
    if material_id:
        _later([(MATERIAL, material_id)])


def index_materials_of(consultation_id: int | None) -> None:
    """Whoever is invited reads the materials: a new or removed invitation changes their readers (registering and
    checking in change nothing for search)."""
    if not consultation_id:
        return
    materials = Material.objects.filter(consultation_id=consultation_id).values_list("pk", flat=True)
    _later([(MATERIAL, pk) for pk in materials])


def index_outcome(outcome_id: int | None) -> None:
    if outcome_id:
        _later([(OUTCOME, outcome_id)])


def index_topic(topic_id: int | None) -> None:
    if topic_id:
        _later([(TOPIC, topic_id)])


def index_room(room_id: int | None) -> None:
    """A room's organization or convener decides who finds its topics and outcomes."""
    if not room_id:
        return
    topics = list(Topic.objects.filter(room_id=room_id).values_list("pk", flat=True))
    outcomes = Outcome.objects.filter(topic_id__in=topics).values_list("pk", flat=True)
    _later([*((TOPIC, pk) for pk in topics), *((OUTCOME, pk) for pk in outcomes)])


def register() -> None:
    registry.register_document_type(
        CONSULTATION,
        _("协商活动"),
        Consultation,
        consultation_document,
        queryset=_consultations,
        states=_states(CONSULTATION_WORKFLOW),
    )
    registry.register_document_type(
        MATERIAL,
        _("会议材料"),
        Material,
        material_document,
        queryset=_materials,
        states=_states(CONSULTATION_WORKFLOW),
        similarity=False,
    )
    registry.register_document_type(
        MINUTES,
        _("协商纪要"),
        Consultation,
        minutes_document,
        queryset=_consultations,
        states=_states(CONSULTATION_WORKFLOW),
        similarity=False,
    )
    registry.register_document_type(
        OUTCOME,
        _("建议案与议事成果"),
        Outcome,
        outcome_document,
        queryset=_outcomes,
        states=_states(OUTCOME_WORKFLOW),
    )
    registry.register_document_type(
        TOPIC,
        _("议事议题"),
        Topic,
        topic_document,
        queryset=_topics,
        states=_states(TOPIC_WORKFLOW),
        places=topic_places,
    )
