"""Community rooms (协商议事室) and their topics."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import submit

from .. import selectors, services
from ..forms import OutcomeForm, PrepareForm, RoomForm, TopicForm, apply_errors
from ..models import Room, Topic
from ._base import _need, _org


def _rooms_context(request, organization, room_form=None):
    can_add = rules.has_perm("consultations.add_room", request.user, organization)
    return {
        "rooms": selectors.rooms_for(organization),
        "room_form": (room_form or RoomForm(organization=organization)) if can_add else None,
    }


@login_required
def room_list(request):
    organization = _org(request)
    _need(request, "consultations.view_room", organization)
    return render(request, "consultations/rooms.html", _rooms_context(request, organization))


@login_required
@require_POST
@once_per_submission
def room_create_view(request):
    organization = _org(request)
    _need(request, "consultations.add_room", organization)
    form = RoomForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            room = services.room_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("议事室已设立。"))
            return redirect(room)
    return render(request, "consultations/rooms.html", _rooms_context(request, organization, form), status=400)


def _room(request, pk):
    room = get_object_or_404(Room.objects.select_related("community", "convener"), pk=pk)
    _need(request, "consultations.view_room", room)
    return room


def _room_context(request, room, topic_form=None):
    return {
        "room": room,
        "topics": selectors.topics_for_room(room, request.user),
        "topic_form": topic_form or TopicForm(),
        "can_raise": rules.has_perm("consultations.raise_topic", request.user, room),
        "can_add_media": rules.has_perm("consultations.add_media", request.user, room),
        "following": selectors.is_following(request.user, room),
        "supported": set(room.topics.filter(supports__user=request.user).values_list("pk", flat=True)),
    }


@login_required
def room_detail(request, pk: int):
    room = _room(request, pk)
    return render(request, "consultations/room.html", _room_context(request, room))


@login_required
@require_POST
@once_per_submission
def topic_raise_view(request, pk: int):
    room = _room(request, pk)
    form = TopicForm(request.POST)
    if form.is_valid():
        try:
            topic = services.topic_raise(actor=request.user, room=room, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("您不是本组织的居民或委员，不能在此提出议题。"))
        else:
            messages.success(request, _("议题已提出，邻居们可以表示支持。"))
            return redirect(topic)
    return render(request, "consultations/room.html", _room_context(request, room, topic_form=form), status=400)


@login_required
@require_POST
def follow_view(request, pk: int):
    room = _room(request, pk)
    follow = request.POST.get("follow") == "1"
    services.room_follow(actor=request.user, room=room, follow=follow)
    messages.success(request, _("已关注，有新议题或成果时会通知您。") if follow else _("已取消关注。"))
    return redirect(request.POST.get("next") or room.get_absolute_url())


def _topic(request, pk):
    topic = get_object_or_404(
        Topic.objects.select_related("state", "room__convener", "raised_by", "conversation"), pk=pk
    )
    _need(request, "consultations.view_room", topic.room)
    if topic.status != Topic.Moderation.PUBLISHED and not (
        topic.raised_by_id == request.user.pk or rules.has_perm("consultations.manage_topic", request.user, topic)
    ):
        raise Http404
    return topic


def _topic_context(request, topic, **forms):
    user = request.user
    can_prepare = rules.has_perm("consultations.prepare_topic", user, topic)
    can_outcome = rules.has_perm("consultations.add_outcome", user, topic)
    return {
        "topic": topic,
        "room": topic.room,
        "outcomes": topic.outcomes.select_related("state", "owner_unit", "owner_leader"),
        "participants": topic.participants.all(),
        "supported": topic.supports.filter(user=user).exists(),
        "can_support": rules.has_perm("consultations.support_topic", user, topic),
        "can_open_conversation": rules.has_perm("consultations.open_conversation", user, topic),
        "manage": rules.has_perm("consultations.manage_topic", user, topic),
        "prepare_form": forms.get("prepare_form")
        or (PrepareForm(organization_id=topic.organization_id) if can_prepare else None),
        "outcome_form": forms.get("outcome_form")
        or (OutcomeForm(organization_ids={topic.organization_id}) if can_outcome else None),
        "support_error": forms.get("support_error", ""),
    }


def _topic_page(request, topic, **forms):
    """The topic's page again with a refused form (status 400)."""
    return render(request, "consultations/topic.html", _topic_context(request, topic, **forms), status=400)


@login_required
def topic_detail(request, pk: int):
    topic = _topic(request, pk)
    return render(request, "consultations/topic.html", _topic_context(request, topic))


@login_required
@require_POST
def support_view(request, pk: int):
    topic = _topic(request, pk)
    try:
        services.topic_support(actor=request.user, topic=topic)
    except ValidationError as exc:
        return render(
            request,
            "consultations/topic.html",
            _topic_context(request, topic, support_error=" ".join(exc.messages)),
            status=400,
        )
    messages.success(request, _("感谢支持！"))
    return redirect(topic)


@login_required
@require_POST
def prepare_view(request, pk: int):
    topic = _topic(request, pk)
    _need(request, "consultations.prepare_topic", topic)
    return submit(
        request,
        PrepareForm(request.POST, organization_id=topic.organization_id),
        lambda data: services.topic_prepare(actor=request.user, topic=topic, **data),
        success=_("议题已选定，参加人员会收到通知。"),
        to=topic,
        page=lambda form: _topic_page(request, topic, prepare_form=form),
    )


@login_required
@require_POST
def conversation_view(request, pk: int):
    topic = _topic(request, pk)
    _need(request, "consultations.open_conversation", topic)
    seeds = [line.strip() for line in request.POST.get("seeds", "").splitlines() if line.strip()]
    conversation = services.topic_open_conversation(actor=request.user, topic=topic, seed_statements=seeds)
    messages.success(request, _("已开启意见征集。"))
    return redirect("deliberation:detail", conversation.pk)


@login_required
@require_POST
@once_per_submission
def topic_outcome_view(request, pk: int):
    topic = _topic(request, pk)
    return submit(
        request,
        OutcomeForm(request.POST, organization_ids={topic.organization_id}),
        lambda data: services.topic_outcome_add(actor=request.user, topic=topic, **data),
        success=_("已加入成果清单。"),
        to=topic,
        page=lambda form: _topic_page(request, topic, outcome_form=form),
    )
