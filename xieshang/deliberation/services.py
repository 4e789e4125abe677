"""Every write of the deliberation app: conversations, statements, moderation, votes, the map, Polis import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.context import current_ip
from xieshang.audit.services import audit_record
from xieshang.core import limits
from xieshang.moderation import selectors as moderation

from .maps import map_compute  # noqa: F401  (re-exported: the demo builders call services.map_compute)
from .models import Conversation, OpinionMap, Participant, Statement, Vote

# A recomputation still marked pending after this long is presumed lost (worker restarted) and may be requested anew.
STALE_PENDING = timedelta(minutes=10)


class SystemActor:
    """manage.py commands and the demo builder: trusted like a migration, audited without a user."""

    is_authenticated = False
    is_active = True
    is_system = True
    pk = None

    def __init__(self, name: str = "system"):
        self.name = name

    def __str__(self) -> str:
        return self.name


def _require(actor, perm: str, obj) -> None:
    if getattr(actor, "is_system", False):
        return
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _actor_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------------------- conversations
CONVERSATION_FIELDS = (
    "title",
    "description",
    "moderation",
    "allow_anonymous",
    "participants_can_submit",
    "statement_max_length",
)


def conversation_create(
    *,
    actor,
    organization,
    title: str,
    description: str = "",
    moderation: str = Conversation.Moderation.POST,
    allow_anonymous: bool = False,
    participants_can_submit: bool = True,
    statement_max_length: int = 140,
    owner=None,
    seed_statements: list[str] | tuple[str, ...] = (),
) -> Conversation:
    _require(actor, "deliberation.add_conversation", organization)
    conversation = Conversation(
        organization=organization,
        title=title.strip(),
        description=description,
        moderation=moderation,
        allow_anonymous=allow_anonymous,
        participants_can_submit=participants_can_submit,
        statement_max_length=statement_max_length,
        created_by=_actor_or_none(actor),
        owner=owner,
    )
    conversation.full_clean(exclude=["owner_content_type", "owner_object_id", "created_by"])
    with transaction.atomic():
        conversation.save()
        for text in seed_statements:
            _add_statement(conversation, text=text, author=None, seed=True, status=Statement.Status.APPROVED)
        audit_record(actor=actor, action="deliberation.conversation_create", obj=conversation)
    return conversation


def conversation_update(*, actor, conversation: Conversation, **fields) -> Conversation:
    _require(actor, "deliberation.change_conversation", conversation)
    unknown = set(fields) - set(CONVERSATION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = {k: v for k, v in fields.items() if getattr(conversation, k) != v}
    for key, value in changed.items():
        setattr(conversation, key, value)
    conversation.full_clean(exclude=["owner_content_type", "owner_object_id", "created_by"])
    with transaction.atomic():
        conversation.save()
        audit_record(
            actor=actor,
            action="deliberation.conversation_update",
            obj=conversation,
            detail={k: str(v) for k, v in changed.items()},
        )
    if "moderation" in changed:
        # Which statements count changes with the moderation mode.
        transaction.on_commit(lambda: map_request(conversation.pk))
    return conversation


def conversation_set_open(*, actor, conversation: Conversation, is_open: bool) -> Conversation:
    _require(actor, "deliberation.change_conversation", conversation)
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(
            is_open=is_open, closed_at=None if is_open else timezone.now()
        )
        conversation.refresh_from_db(fields=["is_open", "closed_at"])
        audit_record(
            actor=actor,
            action="deliberation.conversation_open" if is_open else "deliberation.conversation_close",
            obj=conversation,
        )
    return conversation


# ---------------------------------------------------------------------------------------------------- participants
def _create_numbered(model, conversation: Conversation, **fields):
    """Create a participant or statement with the next free per-conversation number.

    Two writers may read the same maximum; the unique constraint rejects the second, which takes the next number."""
    for _attempt in range(5):
        top = model.objects.filter(conversation=conversation).aggregate(m=Max("number"))["m"]
        try:
            with transaction.atomic():
                return model.objects.create(conversation=conversation, number=0 if top is None else top + 1, **fields)
        except IntegrityError:
            continue
    raise IntegrityError("could not allocate a number")


def participant_for(*, conversation: Conversation, user=None, anonymous_token: str = "") -> Participant:
    """The participant of a user (or of an anonymous browser token) in a conversation, created on first use."""
    user = _actor_or_none(user)
    if user is not None:
        lookup = {"user": user}
    elif anonymous_token:
        lookup = {"anonymous_token": anonymous_token, "user": None}
    else:
        raise PermissionDenied(_("请先登录后再参与。"))
    existing = Participant.objects.filter(conversation=conversation, **lookup).first()
    if existing is not None:
        return existing
    try:
        return _create_numbered(Participant, conversation, **lookup)
    except IntegrityError:
        # The same person's second tab won the race.
        return Participant.objects.get(conversation=conversation, **lookup)


def find_participant(*, conversation: Conversation, user=None, anonymous_token: str = "") -> Participant | None:
    user = _actor_or_none(user)
    if user is not None:
        return Participant.objects.filter(conversation=conversation, user=user).first()
    if anonymous_token:
        return Participant.objects.filter(conversation=conversation, anonymous_token=anonymous_token).first()
    return None


def _check_open(conversation: Conversation) -> None:
    if not conversation.is_open:
        raise ValidationError(_("本次意见征集已结束，不再接受表态和新观点。"), code="closed")


def _check_may_take_part(actor, conversation: Conversation, anonymous_token: str, perm: str) -> None:
    _require(actor, perm, conversation)
    if _actor_or_none(actor) is None and not (conversation.allow_anonymous and anonymous_token):
        raise PermissionDenied(_("请先登录后再参与。"))


# ---------------------------------------------------------------------------------------------------- statements
def _add_statement(conversation, *, text, author, seed, status, flagged="") -> Statement:
    return _create_numbered(
        Statement, conversation, text=text, author=author, is_seed=seed, status=status, flagged=flagged
    )


def statement_submit(*, actor, conversation: Conversation, text: str, anonymous_token: str = "") -> Statement:
    """A participant's statement. Staff statements are seeds: shown at once. Others wait under pre-moderation."""
    text = " ".join((text or "").split())
    is_staff = rules.has_perm("deliberation.moderate_conversation", actor, conversation)
    if not is_staff:
        _check_may_take_part(actor, conversation, anonymous_token, "deliberation.add_statement")
    _check_open(conversation)
    if not text:
        raise ValidationError({"text": _("请填写观点。")})
    limit = conversation.statement_max_length
    if len(text) > limit:
        raise ValidationError({"text": _("观点最多 %(n)d 个字，当前 %(m)d 个字。") % {"n": limit, "m": len(text)}})
    if Statement.objects.filter(conversation=conversation, text=text).exists():
        raise ValidationError({"text": _("已经有人提出了同样的观点，请直接对它表态。")})
    flagged = ""
    if not is_staff:
        user_id = actor.pk if _actor_or_none(actor) is not None else None
        flood = limits.hit("resident_post", account=user_id, address=current_ip.get())
        if flood:
            raise ValidationError({"text": limits.wait_text(flood)})
        flagged = moderation.screen(text, conversation.organization_id, mode=conversation.moderation).flagged
    with transaction.atomic():
        author = participant_for(conversation=conversation, user=actor, anonymous_token=anonymous_token)
        # PENDING is shown at once under post-moderation (unless the blocklist caught it) and hidden under
        # pre-moderation (Statement.is_visible).
        status = Statement.Status.APPROVED if is_staff else Statement.Status.PENDING
        statement = _add_statement(
            conversation, text=text, author=author, seed=is_staff, status=status, flagged=flagged
        )
        audit_record(
            actor=actor,
            action="deliberation.statement_submit",
            obj=statement,
            organization=conversation.organization_id,
            detail={"conversation": conversation.pk, "number": statement.number},
        )
    return statement


def statement_moderate(*, actor, statement: Statement, approve: bool, reason: str = "") -> Statement:
    conversation = statement.conversation
    _require(actor, "deliberation.moderate_conversation", conversation)
    new_status = Statement.Status.APPROVED if approve else Statement.Status.REJECTED
    reason = "" if approve else (reason or "").strip()[:300]
    with transaction.atomic():
        before = statement.status
        Statement.objects.filter(pk=statement.pk).update(
            status=new_status, moderated_by=actor, moderated_at=timezone.now(), reason=reason
        )
        statement.refresh_from_db(fields=["status", "moderated_by", "moderated_at", "reason"])
        audit_record(
            actor=actor,
            action="deliberation.statement_approve" if approve else "deliberation.statement_reject",
            obj=statement,
            organization=conversation.organization_id,
            detail={"conversation": conversation.pk, "from": before, "to": new_status, "reason": reason},
        )
        if before != new_status:
            # A statement moderated in or out changes which votes count in the map.
            transaction.on_commit(lambda: map_request(conversation.pk))
    return statement


# ---------------------------------------------------------------------------------------------------- votes
def vote_cast(*, actor, statement: Statement, value: int, anonymous_token: str = "") -> Vote:
    """Agree (1), disagree (-1) or pass (0). A second vote on the same statement replaces the first, as in Polis."""
    conversation = statement.conversation
    _check_may_take_part(actor, conversation, anonymous_token, "deliberation.vote")
    _check_open(conversation)
    if value not in (-1, 0, 1):
        raise ValidationError(_("表态只能是赞同、反对或跳过。"), code="value")
    if not statement.is_visible(conversation):
        raise ValidationError(_("这条观点尚未通过审核或已被移除，不能表态。"), code="hidden")
    user_id = actor.pk if _actor_or_none(actor) is not None else None
    flood = limits.hit("resident_vote", account=user_id, address=current_ip.get())
    if flood:
        raise ValidationError(limits.wait_text(flood), code="flood")
    with transaction.atomic():
        participant = participant_for(conversation=conversation, user=actor, anonymous_token=anonymous_token)
        vote, _created = Vote.objects.update_or_create(
            statement=statement,
            participant=participant,
            defaults={"value": value, "conversation": conversation, "created_at": timezone.now()},
        )
        map_request(conversation.pk)
    return vote


# ---------------------------------------------------------------------------------------------------- opinion map
def map_request(conversation_id: int) -> bool:
    """Ask for a recomputation of the map, unless one is already waiting (votes arriving meanwhile join it).

    The task is enqueued after the surrounding transaction commits; a worker defers it by
    DELIBERATION_MAP_DELAY_SECONDS so that a burst of votes costs one computation."""
    opinion_map, _created = OpinionMap.objects.get_or_create(conversation_id=conversation_id)
    now = timezone.now()
    claimed = (
        OpinionMap.objects.filter(pk=opinion_map.pk)
        .filter(Q(pending=False) | Q(requested_at__lt=now - STALE_PENDING))
        .update(pending=True, requested_at=now)
    )
    if claimed:
        transaction.on_commit(lambda: _enqueue_map(conversation_id))
    return bool(claimed)


def _enqueue_map(conversation_id: int) -> None:
    from .tasks import recompute_opinion_map

    target = recompute_opinion_map
    delay = getattr(settings, "DELIBERATION_MAP_DELAY_SECONDS", 5)
    if delay and target.get_backend().supports_defer:
        target = target.using(run_after=timezone.now() + timedelta(seconds=delay))
    target.enqueue(conversation_id)


# ---------------------------------------------------------------------------------------------------- Polis import
POLIS_STATUS = {-1: Statement.Status.REJECTED, 0: Statement.Status.PENDING, 1: Statement.Status.APPROVED}


def _from_ms(ts, default):
    if ts is None:
        return default
    return datetime.fromtimestamp(int(ts) / 1000, tz=UTC)


def polis_import(
    *,
    actor,
    export,
    conversation: Conversation | None = None,
    organization=None,
    title: str = "",
    source: str = "",
) -> Conversation:
    """Load a parsed Polis export (math.PolisExport) into an empty conversation, or into a new one.

    All or nothing, in one transaction; participant and statement ids of the export become their numbers."""
    _check_import_target(actor, conversation, organization)
    now = timezone.now()
    statements = export.statements
    final, numbers = _polis_final_votes(export)
    with transaction.atomic():
        if conversation is None:
            conversation = _new_imported_conversation(actor, export, organization, title, source, now)
        elif source:
            Conversation.objects.filter(pk=conversation.pk).update(source=source[:200])
        _import_polis_rows(conversation, statements, final, numbers, now, getattr(export, "xids", {}))
        audit_record(
            actor=actor,
            action="deliberation.polis_import",
            obj=conversation,
            detail={"statements": len(statements), "participants": len(numbers), "votes": len(final)},
        )
        map_request(conversation.pk)
    return conversation


def _check_import_target(actor, conversation: Conversation | None, organization) -> None:
    """The actor may import into the conversation (which must be empty), or into a new one of the organization."""
    if conversation is not None:
        _require(actor, "deliberation.import_polis", conversation)
        if conversation.statements.exists() or conversation.participants.exists():
            raise ValidationError(_("只能导入到尚无观点和参与者的意见征集中，请新建一个意见征集再导入。"))
    else:
        if organization is None:
            raise ValueError("conversation or organization is required")
        _require(actor, "deliberation.import_polis", organization)


def _polis_final_votes(export) -> tuple[dict[tuple[int, int], tuple[int, int | None]], set[int]]:
    """The export's last vote per (participant, statement) and every participant number (voters and authors),
    after checking that all ids are known and not negative."""
    statements = export.statements
    events = list(
        zip(
            export.participants.tolist(),
            export.statement_of_vote.tolist(),
            export.votes.tolist(),
            export.timestamps.tolist() if export.timestamps is not None else [None] * len(export.votes),
            strict=True,
        )
    )
    known = {s.id for s in statements}
    for s in statements:
        if s.id < 0:
            raise ValidationError(_("comments.csv：观点编号 %(id)s 不能为负数。") % {"id": s.id})
    final: dict[tuple[int, int], tuple[int, int | None]] = {}
    for p, s, v, ts in events:
        if s not in known:
            raise ValidationError(_("表态涉及的观点编号 %(id)s 不在 comments.csv 中。") % {"id": s})
        if p < 0:
            raise ValidationError(_("参与者编号 %(id)s 不能为负数。") % {"id": p})
        final[(p, s)] = (v, ts)  # events are in time order: the latest wins
    numbers = {p for p, _s in final} | {s.author_id for s in statements if s.author_id is not None}
    if any(n < 0 for n in numbers):
        raise ValidationError(_("作者编号不能为负数。"))
    return final, numbers


def _new_imported_conversation(actor, export, organization, title: str, source: str, now) -> Conversation:
    """A closed conversation for the export, titled and described from its summary."""
    summary = export.summary or {}
    conversation = Conversation(
        organization=organization,
        title=(title or summary.get("topic") or _("导入的意见征集"))[:200],
        description=summary.get("conversation-description", ""),
        moderation=Conversation.Moderation.POST,
        is_open=False,
        source=(source or summary.get("url", ""))[:200],
        created_by=_actor_or_none(actor),
        closed_at=now,
    )
    conversation.save()
    return conversation


def _import_polis_rows(conversation: Conversation, statements, final, numbers: set[int], now, xids=None) -> None:
    """Bulk-create the export's participants (with their Polis xids), statements and votes in the conversation."""
    xids = xids or {}
    Participant.objects.bulk_create(
        [
            Participant(conversation=conversation, number=n, xid=xids.get(n, "")[:255], created_at=now)
            for n in sorted(numbers)
        ],
        batch_size=2000,
    )
    pk_of_participant = dict(conversation.participants.values_list("number", "pk"))
    Statement.objects.bulk_create(
        [
            Statement(
                conversation=conversation,
                number=s.id,
                text=s.body,
                author_id=pk_of_participant.get(s.author_id) if s.author_id is not None else None,
                status=POLIS_STATUS[s.moderated],
                is_seed=bool(getattr(s, "is_seed", False)),
                is_meta=bool(getattr(s, "is_meta", False)),
                moderated_at=now if s.moderated else None,
                created_at=_from_ms(s.timestamp, now),
            )
            for s in statements
        ],
        batch_size=2000,
    )
    pk_of_statement = dict(conversation.statements.values_list("number", "pk"))
    Vote.objects.bulk_create(
        [
            Vote(
                conversation=conversation,
                statement_id=pk_of_statement[s],
                participant_id=pk_of_participant[p],
                value=v,
                created_at=_from_ms(ts, now),
            )
            for (p, s), (v, ts) in final.items()
        ],
        batch_size=5000,
    )


def polis_statements(conversation: Conversation):
    """The conversation's statements in the math package's export shape."""
    from .math.polis_io import Statement as PolisStatement

    moderated = {Statement.Status.REJECTED: -1, Statement.Status.PENDING: 0, Statement.Status.APPROVED: 1}
    return [
        PolisStatement(
            id=number,
            author_id=author_number,
            body=text,
            moderated=moderated[status],
            timestamp=int(created_at.timestamp() * 1000),
            is_meta=is_meta,
            is_seed=is_seed,
        )
        for number, author_number, text, status, created_at, is_meta, is_seed in conversation.statements.order_by(
            "number"
        ).values_list("number", "author__number", "text", "status", "created_at", "is_meta", "is_seed")
    ]


def polis_export_write(conversation: Conversation, dir_path) -> None:
    """Write the conversation's votes and results as a Polis export folder (the math package's writer)."""
    from .math import write_polis_export

    votes = (
        Vote.objects.filter(conversation=conversation)
        .order_by("created_at", "id")
        .values_list("participant__number", "statement__number", "value", "created_at")
    )
    events = [(p, s, v, int(t.timestamp() * 1000)) for p, s, v, t in votes.iterator(chunk_size=5000)]
    opinion_map = OpinionMap.objects.filter(conversation=conversation).first()
    groups = {}
    if opinion_map is not None:
        groups = {int(pt[3]): int(pt[2]) for pt in (opinion_map.result or {}).get("points", [])}
    xids = dict(conversation.participants.exclude(xid="").values_list("number", "xid"))
    write_polis_export(
        dir_path,
        events,
        polis_statements(conversation),
        groups=groups,
        xids=xids,
        summary={"topic": conversation.title, "conversation-description": conversation.description},
    )
