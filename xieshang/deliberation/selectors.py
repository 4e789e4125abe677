"""Reads of the deliberation app, scoped to the user's organization and joined for their pages."""

from __future__ import annotations

import rules
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from xieshang.accounts.selectors import user_organization_ids

from .models import Conversation, OpinionMap, Participant, Statement, Vote, visible_statements_q


def conversations_for_user(user, organization) -> QuerySet[Conversation]:
    """The conversations of the current organization, with counts; nothing from another organization."""
    if organization is None or organization.pk not in user_organization_ids(user):
        return Conversation.objects.none()
    qs = Conversation.objects.filter(organization=organization)
    if not rules.has_perm("deliberation.change_conversation", user, organization):
        qs = qs.filter(is_open=True)
    return qs.annotate(
        n_statements=Count("statements", filter=~Q(statements__status=Statement.Status.REJECTED), distinct=True),
        n_participants=Count("participants", distinct=True),
    ).order_by("-is_open", "-created_at", "-id")


def get_conversation_for_user(user, pk: int, perm: str = "deliberation.view_conversation") -> Conversation:
    """The conversation, or 404 when the user may not do `perm` on it (outsiders learn nothing, not even that it
    exists)."""
    conversation = Conversation.objects.select_related("organization").filter(pk=pk).first()
    if conversation is None or not rules.has_perm(perm, user, conversation):
        raise Http404
    return conversation


def visible_statements(conversation: Conversation) -> QuerySet[Statement]:
    return Statement.objects.filter(conversation=conversation).filter(visible_statements_q(conversation))


def next_statement(conversation: Conversation, participant: Participant | None) -> Statement | None:
    """The next statement to vote on: the least-voted shown statement the participant has not voted on.

    Least-voted first spreads votes over new statements, which the map needs (Polis weighs its choice the same
    way); the number breaks ties so the order is predictable."""
    qs = visible_statements(conversation)
    if participant is not None:
        qs = qs.exclude(Exists(Vote.objects.filter(statement=OuterRef("pk"), participant=participant)))
    return qs.annotate(n_votes=Count("votes")).order_by("n_votes", "number").first()


def own_statements(conversation: Conversation, participant: Participant | None) -> QuerySet[Statement]:
    """What the participant wrote in the conversation, newest first, whatever its review said: the author reads
    there whether it waits, was approved or was removed, and why (the moderator's reason)."""
    if participant is None:
        return Statement.objects.none()
    return Statement.objects.filter(conversation=conversation, author=participant, is_seed=False).order_by("-number")


def participation_progress(conversation: Conversation, participant: Participant | None) -> dict:
    total = visible_statements(conversation).count()
    voted = 0
    if participant is not None:
        voted = Vote.objects.filter(participant=participant, statement__in=visible_statements(conversation)).count()
    return {"total": total, "voted": voted}


def statements_awaiting_moderation(conversation: Conversation) -> QuerySet[Statement]:
    return (
        Statement.objects.filter(conversation=conversation, status=Statement.Status.PENDING)
        .select_related("author")
        .order_by("created_at", "number")
    )


def pending_moderation_for_organization(organization) -> QuerySet[Statement]:
    return (
        Statement.objects.filter(
            conversation__organization=organization,
            conversation__is_open=True,
            status=Statement.Status.PENDING,
        )
        .select_related("conversation")
        .order_by("created_at")
    )


def map_for_page(conversation: Conversation) -> tuple[OpinionMap | None, dict[int, Statement]]:
    """The stored map and the statements it names (by number), in two queries."""
    opinion_map = OpinionMap.objects.filter(conversation=conversation).first()
    statements: dict[int, Statement] = {}
    if opinion_map is not None and opinion_map.result:
        result = opinion_map.result
        wanted = {item["statement"] for key in ("agree", "disagree") for item in result["consensus"][key]}
        wanted |= {item["statement"] for group in result["groups"] for item in group["representative"]}
        if wanted:
            statements = {s.number: s for s in Statement.objects.filter(conversation=conversation, number__in=wanted)}
    return opinion_map, statements


def map_digest(conversation: Conversation) -> dict:
    """The opinion map in words, for a document (a call's summary): each group with its size and the statements
    that set it apart, and the statements of consensus across groups. Texts only, no participants."""
    opinion_map, statements = map_for_page(conversation)
    result = (opinion_map.result if opinion_map is not None else None) or {}

    def text(number: int) -> str:
        statement = statements.get(number)
        return statement.text if statement is not None else f"#{number}"

    groups = [
        {
            "label": chr(ord("A") + g["id"]) if g["id"] < 26 else str(g["id"] + 1),
            "size": g["size"],
            "statements": [
                {"text": text(r["statement"]), "agree": r.get("agree_in"), "repful_for": r.get("repful_for")}
                for r in g["representative"]
            ],
        }
        for g in result.get("groups", [])
    ]
    consensus = result.get("consensus", {"agree": [], "disagree": []})
    return {
        "title": conversation.title,
        "participants": result.get("n_participants", 0),
        "votes": result.get("n_votes", 0),
        "computed_at": opinion_map.computed_at if opinion_map is not None else None,
        "groups": groups,
        "agree": [{"text": text(c["statement"]), "share": c.get("agree")} for c in consensus.get("agree", [])],
        "disagree": [{"text": text(c["statement"]), "share": c.get("disagree")} for c in consensus.get("disagree", [])],
    }


def attachable_conversations(organization) -> QuerySet[Conversation]:
    """The organization's conversations a staff member may attach to something of it (a public call)."""
    return Conversation.objects.filter(organization=organization).order_by("-created_at", "-id")
