"""REST endpoints of consultations, rooms, topics and outcomes (mounted at /api/consultations/). Reads are scoped as
the pages are; the writes residents make on a phone app (raise, support, rate) go through the same services."""

from __future__ import annotations

from datetime import date

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view

from xieshang.core.api import Paging
from xieshang.core.idempotency import once_per_key
from xieshang.workflow.selectors import state_has

from . import selectors, services
from .models import Room, Topic
from .workflows import MINUTES_PUBLIC

router = Router(tags=["consultations"])


class ConsultationOut(Schema):
    id: int
    title: str
    kind: str
    kind_name: str
    planned_date: date
    state: str
    state_name: str
    hosts: list[str]
    chairs_meeting: str
    approval_body: str
    approval_document: str
    approved_on: date | None
    minutes: str
    url: str

    @staticmethod
    def build(c) -> ConsultationOut:
        return ConsultationOut(
            id=c.pk,
            title=c.title,
            kind=c.kind,
            kind_name=str(c.get_kind_display()),
            planned_date=c.planned_date,
            state=c.state.key,
            state_name=c.state.name,
            hosts=[h.short_name for h in c.hosts.all()],
            chairs_meeting=c.chairs_meeting,
            approval_body=c.approval_body,
            approval_document=c.approval_document,
            approved_on=c.approved_on,
            minutes=c.minutes if state_has(c, MINUTES_PUBLIC) else "",
            url=c.get_absolute_url(),
        )


class RoomOut(Schema):
    id: int
    name: str
    community: str
    convener: str


class TopicOut(Schema):
    id: int
    title: str
    body: str
    state: str
    state_name: str
    support_count: int

    @staticmethod
    def build(t) -> TopicOut:
        return TopicOut(
            id=t.pk,
            title=t.title,
            body=t.body,
            state=t.state.key,
            state_name=t.state.name,
            support_count=t.support_count,
        )


class TopicIn(Schema):
    title: str
    body: str = ""


class OutcomeOut(Schema):
    id: int
    title: str
    source: str
    owner: str
    state: str
    state_name: str
    due_on: date | None

    @staticmethod
    def build(o) -> OutcomeOut:
        return OutcomeOut(
            id=o.pk,
            title=o.title,
            source=o.source,
            owner=o.owner_label,
            state=o.state.key,
            state_name=o.state.name,
            due_on=o.due_on,
        )


class RatingIn(Schema):
    score: int
    comment: str = ""


def _org(request):
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    return organization


@router.get("/consultations", response=list[ConsultationOut])
def list_consultations(request, paging: Query[Paging]):
    qs = selectors.consultations_for_user(request.user, _org(request))
    return [ConsultationOut.build(c) for c in paging.page(qs)]


@router.get("/consultations/{pk}", response=ConsultationOut)
def get_consultation(request, pk: int):
    return ConsultationOut.build(selectors.get_consultation_for_user(request.user, pk))


@router.get("/rooms", response=list[RoomOut])
def list_rooms(request, paging: Query[Paging]):
    organization = _org(request)
    if not rules.has_perm("consultations.view_room", request.user, organization):
        raise PermissionDenied
    return [
        RoomOut(id=r.pk, name=r.name, community=str(r.community), convener=r.convener.display_name)
        for r in paging.page(selectors.rooms_for(organization))
    ]


def _room(request, pk):
    room = get_object_or_404(Room, pk=pk)
    if not rules.has_perm("consultations.view_room", request.user, room):
        raise PermissionDenied
    return room


@router.get("/rooms/{pk}/topics", response=list[TopicOut])
def list_topics(request, pk: int, paging: Query[Paging]):
    return [TopicOut.build(t) for t in paging.page(selectors.topics_for_room(_room(request, pk)))]


@router.post("/rooms/{pk}/topics", response={201: TopicOut})
@decorate_view(once_per_key)
def raise_topic(request, pk: int, data: TopicIn):
    """Raise a topic in the room. An `Idempotency-Key` header makes a retry safe: the same key answers the first 201
    again (header `Idempotent-Replayed: true`) without raising a second topic; with another body, 422."""
    topic = services.topic_raise(actor=request.user, room=_room(request, pk), title=data.title, body=data.body)
    return 201, TopicOut.build(topic)


@router.post("/topics/{pk}/support", response={201: TopicOut})
def support_topic(request, pk: int):
    topic = get_object_or_404(Topic.objects.select_related("state", "room"), pk=pk)
    _room(request, topic.room_id)
    services.topic_support(actor=request.user, topic=topic)
    return 201, TopicOut.build(topic)


@router.get("/outcomes", response=list[OutcomeOut])
def list_outcomes(request, paging: Query[Paging], mine: bool = False):
    qs = (
        selectors.outcomes_for_owner(request.user) if mine else selectors.outcomes_for_user(request.user, _org(request))
    )
    return [OutcomeOut.build(o) for o in paging.page(qs)]


@router.get("/outcomes/{pk}", response=OutcomeOut)
def get_outcome(request, pk: int):
    return OutcomeOut.build(selectors.get_outcome_for_user(request.user, pk))


@router.post("/outcomes/{pk}/rating", response={201: dict})
def rate_outcome(request, pk: int, data: RatingIn):
    outcome = selectors.get_outcome_for_user(request.user, pk)
    rating = services.outcome_rate(actor=request.user, outcome=outcome, score=data.score, comment=data.comment)
    return 201, {"id": rating.pk, "score": rating.score}
