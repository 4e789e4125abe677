"""Votes taken at the meeting, recorded by staff: a resolution's counts (for / against / abstain) or an election's
ballots per candidate. The record of a show of hands or a tallied ballot, not an online election: the platform checks
that the counts can be true (no total above the members present, no more present than the session's members) and
keeps them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record

from ..models import Candidate, Session, Vote
from ._base import lock, must_be_open, now, require, text_error

Kind = Vote.Kind


def _count_errors(
    kind: str,
    members: int,
    present: int | None,
    counts: dict[str, int | None],
    candidates: Sequence[tuple[str, int]],
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if present is None or present < 1:
        return {"present": _("请填写实到人数。")}
    if present > members:
        return {"present": _("实到人数 %(n)d 超过了应到人数 %(m)d。") % {"n": present, "m": members}}
    if kind == Kind.RESOLUTION:
        for name, value in counts.items():
            if value is None or value < 0:
                errors[name] = _("请填写票数（不小于 0 的整数）。")
        if not errors and (total := sum(v or 0 for v in counts.values())) > present:
            errors["abstentions"] = _("赞成、反对、弃权合计 %(n)d 票，超过实到人数 %(p)d。") % {
                "n": total,
                "p": present,
            }
        return errors
    if not candidates:
        return {"candidates": _("请至少填写一位候选人及其得票。")}
    names = [name for name, _votes in candidates]
    if len(set(names)) != len(names):
        errors["candidates"] = _("候选人不能重复。")
    over = [name for name, votes in candidates if votes < 0 or votes > present]
    if over:
        errors["candidates"] = _("%(names)s 的得票不能为负数，也不能超过实到人数 %(p)d。") % {
            "names": "、".join(over),
            "p": present,
        }
    return errors


def vote_record(
    *,
    actor: Any,
    session: Session,
    kind: str,
    method: str,
    title: str,
    present: int | None,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    candidates: Sequence[tuple[str, int]] = (),
) -> Vote:
    """Record a vote. `members` (应到) is the number invited to the session; `present` (实到) those present at the
    vote. A resolution needs its three counts, summing to no more than present; an election its candidates, each
    with no more votes than present."""
    require(actor, "assemblies.record_vote", session)
    must_be_open(session, _("登记表决"))
    if now() < session.starts_at:
        raise ValidationError(_("会议尚未开幕，不能登记表决。"))
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("请选择表决类型。")
    if method not in Vote.Method.values:
        errors["method"] = _("请选择表决方式。")
    if message := text_error(title, 200, _("表决事项")):
        errors["title"] = message
    members = session.attendances.count()
    counts = {"votes_for": votes_for, "votes_against": votes_against, "abstentions": abstentions}
    errors.update(_count_errors(kind, members, present, counts, candidates))
    if errors:
        raise ValidationError(errors)
    assert present is not None
    resolution = kind == Kind.RESOLUTION
    with transaction.atomic():
        lock(session)
        if session.votes.filter(title=title.strip()).exists():
            raise ValidationError({"title": _("“%(title)s”的表决结果已登记。") % {"title": title.strip()}})
        vote = Vote.objects.create(
            session=session,
            organization_id=session.organization_id,
            kind=kind,
            method=method,
            title=title.strip(),
            members=members,
            present=present,
            votes_for=votes_for if resolution else None,
            votes_against=votes_against if resolution else None,
            abstentions=abstentions if resolution else None,
            recorded_by=actor,
        )
        if not resolution:
            Candidate.objects.bulk_create(
                [Candidate(vote=vote, name=name, votes=votes, order=i) for i, (name, votes) in enumerate(candidates)]
            )
        audit_record(
            actor=actor,
            action="assemblies.vote_record",
            obj=session,
            detail={
                "vote": vote.pk,
                "kind": kind,
                "present": present,
                **{k: v for k, v in counts.items() if resolution},
            },
        )
    return vote
