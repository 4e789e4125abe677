"""重点提案办理情况总结: the year's key proposals with their leaders, units, plan, progress, instructions,
supervision meetings, assessments and promises, read in a constant number of queries, for the page, the Word
document (python-docx) and the Excel export (decision 0031)."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.consultations import selectors as consultation_selectors
from xieshang.core.documents import SANS, docx_bytes, run
from xieshang.core.names import named

from .documents import conference_name
from .models import Assignment, KeyMilestone, KeySummary, Proposal, Reply

ACTIVE = (Assignment.Status.PENDING, Assignment.Status.RECEIVED)


@dataclass
class SummaryRow:
    proposal: Proposal
    leaders: list[str]
    units: list[str]
    milestones: int = 0
    milestones_done: int = 0
    milestones_late: int = 0  # done after the date, or open past it
    progress: int = 0
    instructions: list[Any] = field(default_factory=list)
    meetings: list[Any] = field(default_factory=list)
    assessments: list[Any] = field(default_factory=list)
    promises: list[Any] = field(default_factory=list)

    @property
    def promises_done(self) -> int:
        return sum(1 for o in self.promises if o.done_at is not None)


@dataclass
class Summary:
    organization: Any
    year: int
    rows: list[SummaryRow]
    finalized: KeySummary | None

    @property
    def is_final(self) -> bool:
        return self.finalized is not None and self.finalized.finalized_at is not None

    def total(self, name: str) -> int:
        return sum(getattr(r, name) if isinstance(getattr(r, name), int) else len(getattr(r, name)) for r in self.rows)


def _late(m: KeyMilestone, today) -> bool:
    if m.done_at is not None:
        return timezone.localdate(m.done_at) > m.due_on
    return m.due_on < today


def key_summary(organization: Any, year: int) -> Summary:
    """Every key proposal of the year (by the proposal's year), with all that its summary reports."""
    org_id = getattr(organization, "pk", organization)
    units = Assignment.objects.filter(status__in=ACTIVE).select_related("unit").lead_first()
    proposals = list(
        Proposal.objects.filter(organization_id=org_id, year=year, is_key=True)
        .select_related("submitter", "state")
        .prefetch_related(
            "key_supervisors",
            "key_milestones",
            "key_progress",
            "key_instructions",
            "key_assessments__supervisor",
            Prefetch("assignments", queryset=units, to_attr="active_assignments"),
        )
        .order_by("number", "id")
    )
    meetings: dict[int, list] = defaultdict(list)
    for c in consultation_selectors.consultations_of_origins(proposals):
        meetings[c.origin_id].append(c)
    promised = list(Reply.objects.filter(proposal__in=proposals, promise_due_on__isnull=False).only("id", "proposal"))
    reply_proposal = {r.pk: r.proposal_id for r in promised}
    promises: dict[int, list] = defaultdict(list)
    for o in consultation_selectors.outcomes_of_origins(promised):
        promises[reply_proposal[o.origin_id]].append(o)
    today = timezone.localdate()
    rows = []
    for p in proposals:
        steps = list(p.key_milestones.all())
        rows.append(
            SummaryRow(
                proposal=p,
                leaders=[
                    f"{s.get_side_display()}：{s.name}{'（' + s.title + '）' if s.title else ''}"
                    for s in p.key_supervisors.all()
                ],
                units=[f"{a.get_role_display()}：{a.unit.name}" for a in p.active_assignments],
                milestones=len(steps),
                milestones_done=sum(1 for m in steps if m.done_at is not None),
                milestones_late=sum(1 for m in steps if _late(m, today)),
                progress=len(p.key_progress.all()),
                instructions=list(p.key_instructions.all()),
                meetings=meetings.get(p.pk, []),
                assessments=sorted(p.key_assessments.all(), key=lambda a: (a.year, a.pk)),
                promises=promises.get(p.pk, []),
            )
        )
    finalized = KeySummary.objects.filter(organization_id=org_id, year=year).first()
    return Summary(organization=organization, year=year, rows=rows, finalized=finalized)


def _meeting_line(c) -> str:
    state = named(c.state.name) if c.state_id else ""
    recs = len(c.outcomes.all())
    return _("%(date)s %(title)s（%(state)s，建议 %(n)d 项）") % {
        "date": c.planned_date.isoformat(),
        "title": c.title,
        "state": state,
        "n": recs,
    }


def _assessment_line(a) -> str:
    return f"{a.year} {a.supervisor.name}：{a.get_grade_display()}。{a.text}"


def _promise_line(o) -> str:
    state = named(o.state.name) if o.state_id else ""
    due = o.promised_on.isoformat() if o.promised_on else "—"
    return f"{o.title}（{due}，{state}）"


def row_lines(row: SummaryRow) -> list[tuple[str, str]]:
    """The row as (label, text) pairs, the same for the page's Word document and the spreadsheet."""
    return [
        (_("领衔提案人"), row.proposal.submitter_display),
        (_("督办领导"), "；".join(row.leaders) or "—"),
        (_("承办单位"), "；".join(row.units) or "—"),
        (
            _("督办计划"),
            _("节点 %(n)d 个，已完成 %(done)d 个，逾期 %(late)d 个")
            % {
                "n": row.milestones,
                "done": row.milestones_done,
                "late": row.milestones_late,
            },
        ),
        (_("办理进展"), _("%(n)d 次报告") % {"n": row.progress}),
        (
            _("领导批示"),
            "；".join(f"{i.instructed_on:%Y-%m-%d} {i.leader_name}：{i.text}" for i in row.instructions) or "—",
        ),
        (_("督办协商会"), "；".join(_meeting_line(c) for c in row.meetings) or "—"),
        (_("督办评价"), "；".join(_assessment_line(a) for a in row.assessments) or "—"),
        (
            _("办理承诺"),
            "；".join(_promise_line(o) for o in row.promises) or "—",
        ),
    ]


def title_of(summary: Summary) -> str:
    return _("%(conference)s%(year)s年度重点提案办理情况总结") % {
        "conference": conference_name(summary.organization),
        "year": summary.year,
    }


def summary_docx(summary: Summary) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(head, title_of(summary), 20, bold=True, font=SANS)
    run(
        doc.add_paragraph(),
        _(
            "本年度共有重点提案 %(n)d 件，召开督办协商会 %(meetings)d 次，领导批示 %(instructions)d 件次，"
            "督办评价 %(assessments)d 件次。"
        )
        % {
            "n": len(summary.rows),
            "meetings": summary.total("meetings"),
            "instructions": summary.total("instructions"),
            "assessments": summary.total("assessments"),
        },
        14,
    )
    for i, row in enumerate(summary.rows, 1):
        heading = doc.add_paragraph()
        number = row.proposal.number or "—"
        run(heading, f"{i}. {number} {row.proposal.title}", 15, bold=True, font=SANS)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, text in row_lines(row):
            cells = table.add_row().cells
            run(cells[0].paragraphs[0], str(label), 12, bold=True)
            run(cells[1].paragraphs[0], text, 12)
    if not summary.rows:
        run(doc.add_paragraph(), _("本年度没有重点提案。"), 14)
    return docx_bytes(doc)


def summary_xlsx(summary: Summary) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from xieshang.core.exports import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = str(summary.year)
    labels: list[str] = []
    for row in summary.rows:
        labels = [str(label) for label, _text in row_lines(row)]
        break
    sheet.append([safe_cell(str(c)) for c in (_("编号"), _("案由"), *labels)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in summary.rows:
        texts = [text for _label, text in row_lines(row)]
        sheet.append([safe_cell(str(v)) for v in (row.proposal.number or "", row.proposal.title, *texts)])
    sheet.column_dimensions["B"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
