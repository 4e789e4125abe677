"""Pages of consultations, outcomes and community rooms for people who log in. Every write goes through services;
a refusal is shown beside its field with what was typed kept. The public portal is in portal.py."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import (
    ConsultationForm,
    InviteForm,
    LiveForm,
    MaterialForm,
    MinutesForm,
    OutcomeForm,
    PlanApprovalForm,
    PrepareForm,
    ProgressForm,
    RatingForm,
    RegisterForm,
    RoomForm,
    SegmentForm,
    TopicForm,
    apply_errors,
)
from .models import Kind, Material, Rating, Room, Topic

PER_PAGE = 30


def _org(request):
    if request.organization is None:
        raise Http404
    return request.organization


def _need(request, perm, obj):
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---------------------------------------------------------------------------------------------------- consultations
@login_required
def consultation_list(request):
    organization = _org(request)
    _need(request, "consultations.view_room", organization)
    page = Paginator(selectors.consultations_for_user(request.user, organization), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/list.html",
        {"page": page, "can_create": rules.has_perm("consultations.add_consultation", request.user, organization)},
    )


def _plan_context(request, organization, year, approval_form=None):
    items = selectors.plan_for(request.user, organization, year)
    by_kind = selectors.consultations_by_kind(organization, year)
    pending = sum(1 for c in items if c.state.key == "proposed" and c.organization_id == organization.pk)
    may_approve = pending and rules.has_perm("consultations.record_approval", request.user, organization)
    if may_approve and approval_form is None:
        region = organization.region or ""
        approval_form = PlanApprovalForm(initial={"body": _("中共%(region)s委") % {"region": region} if region else ""})
    return {
        "items": items,
        "year": year,
        "kind_counts": [(label, by_kind.get(key, 0)) for key, label in Kind.choices],
        "practical_matters": selectors.practical_matters_done(organization, year),
        "can_create": rules.has_perm("consultations.add_consultation", request.user, organization),
        "approval_form": approval_form if may_approve else None,
        "pending_approval": pending,
    }


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
def plan_view(request):
    organization = _org(request)
    _need(request, "consultations.view_plan", organization)
    return render(request, "consultations/plan.html", _plan_context(request, organization, _year(request)))


@login_required
@require_POST
def plan_approval_view(request):
    """Committee staff record the party committee's approval of the year's proposed topics, with its document."""
    organization = _org(request)
    _need(request, "consultations.record_approval", organization)
    year = _year(request)
    form = PlanApprovalForm(request.POST)
    if form.is_valid():
        try:
            done = services.plan_record_approval(
                actor=request.user, organization=organization, year=year, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记党委批准，共 %(n)d 项议题。") % {"n": len(done)})
            return redirect(f"{reverse('consultations:plan')}?year={year}")
    return render(
        request, "consultations/plan.html", _plan_context(request, organization, year, approval_form=form), status=400
    )


@login_required
def consultation_create(request):
    organization = _org(request)
    _need(request, "consultations.add_consultation", organization)
    form = ConsultationForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create(actor=request.user, organization=organization, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已列入年度协商计划。"))
            return redirect(consultation)
    return render(request, "consultations/form.html", {"form": form})


def _detail_context(request, consultation, **forms):
    user = request.user
    can = {
        perm: rules.has_perm(f"consultations.{perm}", user, consultation)
        for perm in (
            "invite",
            "view_attendance",
            "show_checkin_code",
            "register",
            "post_live",
            "edit_agenda",
            "write_minutes",
            "add_recommendation",
            "add_media",
            "add_material",
            "view_materials",
        )
    }
    staff_orgs = selectors.staff_host_ids(user, consultation)
    context = {
        "consultation": consultation,
        "hosts": consultation.hosts.all(),
        "segments": consultation.segments.select_related("speaker"),
        "invitations": selectors.invitations_visible(user, consultation),
        "my_invitation": consultation.invitations.filter(user=user).first(),
        "outcomes": consultation.outcomes.select_related("state", "owner_unit", "owner_leader"),
        "dispatches": consultation.dispatches.all() if staff_orgs else [],
        "can": can,
        "invite_form": forms.get("invite_form") or (InviteForm(organization_ids=staff_orgs) if can["invite"] else None),
        "segment_form": forms.get("segment_form")
        or (SegmentForm(organization_ids=staff_orgs) if can["edit_agenda"] else None),
        "minutes_form": forms.get("minutes_form")
        or (MinutesForm(initial={"minutes": consultation.minutes}) if can["write_minutes"] else None),
        "outcome_form": forms.get("outcome_form")
        or (OutcomeForm(organization_ids=staff_orgs) if can["add_recommendation"] else None),
        "register_form": forms.get("register_form") or (RegisterForm() if can["register"] else None),
        "materials": consultation.materials.select_related("organization") if can["view_materials"] else [],
        "material_form": forms.get("material_form") or (MaterialForm() if can["add_material"] else None),
        "timeline": selectors.timeline_for(user, consultation),
    }
    return context


@login_required
def consultation_detail(request, pk: int):
    consultation = selectors.get_consultation_for_user(request.user, pk)
    return render(request, "consultations/detail.html", _detail_context(request, consultation))


def _post_form(request, pk, form_name, form, perform):
    consultation = selectors.get_consultation_for_user(request.user, pk)
    bound = form(consultation)
    if bound.is_valid():
        try:
            perform(consultation, bound.cleaned_data)
        except ValidationError as exc:
            apply_errors(bound, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(consultation)
    return render(
        request, "consultations/detail.html", _detail_context(request, consultation, **{form_name: bound}), status=400
    )


@login_required
@require_POST
def invite_view(request, pk: int):
    def perform(c, data):
        services.invite(actor=request.user, consultation=c, users=data["users"], mode=data["mode"])

    return _post_form(
        request,
        pk,
        "invite_form",
        lambda c: InviteForm(request.POST, organization_ids=selectors.staff_host_ids(request.user, c)),
        perform,
    )


@login_required
@require_POST
def register_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "register_form",
        lambda c: RegisterForm(request.POST),
        lambda c, data: services.register(actor=request.user, consultation=c, mode=data["mode"]),
    )


@login_required
@require_POST
def segment_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "segment_form",
        # Choices list only the poster's own host: co-hosts never see each other's people.
        lambda c: SegmentForm(request.POST, organization_ids=selectors.staff_host_ids(request.user, c)),
        lambda c, data: services.segment_add(actor=request.user, consultation=c, **data),
    )


@login_required
@require_POST
def minutes_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "minutes_form",
        lambda c: MinutesForm(request.POST),
        lambda c, data: services.minutes_save(actor=request.user, consultation=c, minutes=data["minutes"]),
    )


@login_required
@require_POST
def recommendation_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "outcome_form",
        lambda c: OutcomeForm(request.POST, organization_ids=selectors.staff_host_ids(request.user, c)),
        lambda c, data: services.recommendation_add(actor=request.user, consultation=c, **data),
    )


@login_required
@require_POST
def material_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "material_form",
        lambda c: MaterialForm(request.POST, request.FILES),
        lambda c, data: services.material_add(
            actor=request.user, consultation=c, title=data["title"], upload=data["file"]
        ),
    )


@login_required
def material_download_view(request, pk: int):
    material = get_object_or_404(Material.objects.select_related("consultation"), pk=pk)
    consultation = selectors.get_consultation_for_user(request.user, material.consultation_id)
    _need(request, "consultations.view_materials", consultation)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=material.filename)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


@login_required
def checkin_code_view(request, pk: int):
    """The QR code shown at the venue (or on the staff's phone): it opens the check-in page with a signed code."""
    consultation = selectors.get_consultation_for_user(request.user, pk)
    _need(request, "consultations.show_checkin_code", consultation)
    url = request.build_absolute_uri(reverse("consultations:checkin", args=[services.checkin_token(consultation)]))
    return render(
        request, "consultations/checkin_code.html", {"consultation": consultation, "url": url, "svg": _qr_svg(url)}
    )


@login_required
def checkin_view(request, token: str):
    error = ""
    consultation = invitation = None
    try:
        consultation = services.checkin_consultation(token)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if consultation is not None and request.method == "POST":
        try:
            invitation = services.check_in(actor=request.user, token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    elif consultation is not None:
        invitation = consultation.invitations.filter(user=request.user, checked_in_at__isnull=False).first()
    return render(
        request,
        "consultations/checkin.html",
        {"consultation": consultation, "invitation": invitation, "error": error},
        status=400 if error else 200,
    )


@login_required
def live_view(request, pk: int):
    consultation = selectors.get_consultation_for_user(request.user, pk)
    form = LiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.live_post(actor=request.user, consultation=consultation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("您未受邀参加本次协商，不能发言或提问。"))
        else:
            if _is_htmx(request):
                form = LiveForm()
            else:
                return redirect("consultations:live", pk)
    context = {
        "consultation": consultation,
        "form": form,
        "messages_list": selectors.live_messages(consultation),
        "can_post": rules.has_perm("consultations.post_live", request.user, consultation),
    }
    if _is_htmx(request) and request.method == "POST":
        return render(request, "consultations/live.html#live-form", context)
    return render(request, "consultations/live.html", context)


@login_required
def live_messages_view(request, pk: int):
    consultation = selectors.get_consultation_for_user(request.user, pk)
    return render(
        request,
        "consultations/live.html#live-feed",
        {"consultation": consultation, "messages_list": selectors.live_messages(consultation)},
    )


# ---------------------------------------------------------------------------------------------------- outcomes
@login_required
def outcome_list(request):
    organization = _org(request)
    _need(request, "consultations.view_room", organization)
    mine = request.GET.get("mine") == "1"
    qs = selectors.outcomes_for_owner(request.user) if mine else selectors.outcomes_for_user(request.user, organization)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "consultations/outcomes.html", {"page": page, "mine": mine})


def _outcome_context(request, outcome, **forms):
    user = request.user
    can_progress = rules.has_perm("consultations.add_progress", user, outcome)
    may_rate = outcome.topic_id and rules.has_perm("consultations.rate_outcome", user, outcome)
    my_rating = Rating.objects.filter(outcome=outcome, user=user).first() if outcome.topic_id else None
    ratings = outcome.ratings.all()
    return {
        "outcome": outcome,
        "progress": outcome.progress.all(),
        "progress_form": forms.get("progress_form") or (ProgressForm() if can_progress else None),
        "rating_form": forms.get("rating_form") or (RatingForm() if may_rate and not my_rating else None),
        "my_rating": my_rating,
        "rating_summary": {s: sum(1 for r in ratings if r.score == s) for s in Rating.Score.values},
        "is_citizen_waiting": outcome.topic_id and not may_rate and outcome.state.key != "done",
        "can_publish": rules.has_perm("consultations.publish_outcome", user, outcome),
    }


@login_required
def outcome_detail(request, pk: int):
    outcome = selectors.get_outcome_for_user(request.user, pk)
    return render(request, "consultations/outcome.html", _outcome_context(request, outcome))


@login_required
@require_POST
def progress_view(request, pk: int):
    outcome = selectors.get_outcome_for_user(request.user, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.progress_add(actor=request.user, outcome=outcome, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已记录落实进展。"))
            return redirect(outcome)
    return render(
        request, "consultations/outcome.html", _outcome_context(request, outcome, progress_form=form), status=400
    )


@login_required
@require_POST
def outcome_public_view(request, pk: int):
    outcome = selectors.get_outcome_for_user(request.user, pk)
    public = request.POST.get("public") == "1"
    services.outcome_set_public(actor=request.user, outcome=outcome, public=public)
    messages.success(request, _("办理状态已在《郑在协商》公开。") if public else _("办理状态已不再公开。"))
    return redirect(outcome)


@login_required
@require_POST
def rate_view(request, pk: int):
    outcome = selectors.get_outcome_for_user(request.user, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_rate(actor=request.user, outcome=outcome, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect(outcome)
    return render(
        request, "consultations/outcome.html", _outcome_context(request, outcome, rating_form=form), status=400
    )


# ---------------------------------------------------------------------------------------------------- rooms
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
        "topics": selectors.topics_for_room(room),
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
    form = PrepareForm(request.POST, organization_id=topic.organization_id)
    if form.is_valid():
        try:
            services.topic_prepare(actor=request.user, topic=topic, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("议题已选定，参加人员会收到通知。"))
            return redirect(topic)
    return render(request, "consultations/topic.html", _topic_context(request, topic, prepare_form=form), status=400)


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
def topic_outcome_view(request, pk: int):
    topic = _topic(request, pk)
    form = OutcomeForm(request.POST, organization_ids={topic.organization_id})
    if form.is_valid():
        try:
            services.topic_outcome_add(actor=request.user, topic=topic, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已加入成果清单。"))
            return redirect(topic)
    return render(request, "consultations/topic.html", _topic_context(request, topic, outcome_form=form), status=400)
