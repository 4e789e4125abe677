"""REST endpoints of the opinion map (mounted by xieshang/api/main.py at /api/deliberation/)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from xieshang.core.api import Paging

from . import selectors, services
from .models import Statement

router = Router(tags=["deliberation"])


class ConversationOut(Schema):
    id: int
    title: str
    description: str
    is_open: bool
    allow_anonymous: bool
    moderation: str
    statement_max_length: int


class StatementOut(Schema):
    number: int
    text: str


class VoteIn(Schema):
    statement: int  # the statement's number in the conversation
    value: int  # 1 agree, -1 disagree, 0 pass


class MapOut(Schema):
    computed_at: datetime | None
    pending: bool
    result: dict


@router.get("/conversations", response=list[ConversationOut])
def list_conversations(request, paging: Query[Paging]):
    return list(paging.page(selectors.conversations_for_user(request.user, getattr(request, "organization", None))))


@router.get("/conversations/{pk}", response=ConversationOut)
def get_conversation(request, pk: int):
    return selectors.get_conversation_for_user(request.user, pk)


@router.get("/conversations/{pk}/statements", response=list[StatementOut])
def list_statements(request, pk: int):
    conversation = selectors.get_conversation_for_user(request.user, pk)
    return list(selectors.visible_statements(conversation).order_by("number"))


@router.post("/conversations/{pk}/votes", response=dict)
def cast_vote(request, pk: int, payload: VoteIn):
    conversation = selectors.get_conversation_for_user(request.user, pk)
    statement = get_object_or_404(Statement, conversation=conversation, number=payload.statement)
    statement.conversation = conversation
    vote = services.vote_cast(actor=request.user, statement=statement, value=payload.value)
    return {"statement": payload.statement, "value": vote.value}


@router.get("/conversations/{pk}/map", response=MapOut)
def get_map(request, pk: int):
    conversation = selectors.get_conversation_for_user(request.user, pk, "deliberation.view_map")
    opinion_map, _statements = selectors.map_for_page(conversation)
    if opinion_map is None:
        return MapOut(computed_at=None, pending=False, result={})
    return MapOut(computed_at=opinion_map.computed_at, pending=opinion_map.pending, result=opinion_map.result)
