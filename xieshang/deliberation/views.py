"""Pages of the opinion map: conversations, voting one statement at a time (htmx, or plain POST), the map, moderation,
Polis import and export. Every write goes through services."""

from __future__ import annotations

import functools
import secrets
from datetime import timedelta

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.http import background_request
from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import apply_errors

from . import polis, selectors, services
from .forms import ConversationForm, PolisImportForm, StatementForm
from .models import Conversation, Statement

PARTICIPANT_COOKIE = "xieshang_participant"
PARTICIPANT_SALT = "xieshang.deliberation.participant"


def _anonymous_token(request) -> str:
    if request.user.is_authenticated:
        return ""
    return request.get_signed_cookie(PARTICIPANT_COOKIE, default="", salt=PARTICIPANT_SALT) or ""


def _ensure_token(request) -> tuple[str, bool]:
    """The browser's participant token, making one when it has none; (token, is new)."""
    token = _anonymous_token(request)
    if token or request.user.is_authenticated:
        return token, False
    return secrets.token_urlsafe(24), True


def _remember_token(response, token: str) -> None:
    response.set_signed_cookie(
        PARTICIPANT_COOKIE,
        token,
        salt=PARTICIPANT_SALT,
        max_age=int(timedelta(days=365).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _conversation(request, pk: int, perm: str = "deliberation.view_conversation") -> Conversation:
    try:
        return selectors.get_conversation_for_user(request.user, pk, perm)
    except Http404:
        if not request.user.is_authenticated:
            # A conversation for members only: logging in may open it.
            raise _LoginNeeded from None
        raise


class _LoginNeeded(Exception):
    pass


def _login_redirect(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())

    return wrapped


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---------------------------------------------------------------------------------------------------- conversations
@login_required
def conversation_list(request):
    organization = request.organization
    page = Paginator(selectors.conversations_for_user(request.user, organization), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "deliberation/list.html",
        {
            "page": page,
            "can_create": organization is not None
            and rules.has_perm("deliberation.add_conversation", request.user, organization),
        },
    )


@login_required
@once_per_submission
def conversation_create(request):
    organization = request.organization
    if organization is None or not rules.has_perm("deliberation.add_conversation", request.user, organization):
        raise PermissionDenied
    form = ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        seeds = data.pop("seed_statements", [])
        try:
            conversation = services.conversation_create(
                actor=request.user, organization=organization, seed_statements=seeds, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("意见征集已创建。"))
            return redirect("deliberation:detail", conversation.pk)
    return render(request, "deliberation/form.html", {"form": form, "title": _("新建意见征集")})


@login_required
def conversation_settings(request, pk: int):
    conversation = selectors.get_conversation_for_user(request.user, pk, "deliberation.change_conversation")
    if request.method == "POST" and "is_open" in request.POST:
        services.conversation_set_open(
            actor=request.user, conversation=conversation, is_open=request.POST["is_open"] == "1"
        )
        messages.success(request, _("已开启意见征集。") if conversation.is_open else _("已结束意见征集。"))
        return redirect("deliberation:settings", pk)
    form = ConversationForm(request.POST or None, instance=conversation, with_seeds=False)
    if request.method == "POST" and form.is_valid():
        fresh = Conversation.objects.get(pk=pk)
        try:
            services.conversation_update(actor=request.user, conversation=fresh, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("设置已保存。"))
            return redirect("deliberation:settings", pk)
    return render(
        request,
        "deliberation/form.html",
        {"form": form, "title": _("设置：%(t)s") % {"t": conversation.title}, "conversation": conversation},
    )


# ---------------------------------------------------------------------------------------------------- taking part
def _card_context(request, conversation, *, error: str = "", token: str | None = None) -> dict:
    # A token made in this very request is not in request.COOKIES yet: the caller passes it.
    participant = services.find_participant(
        conversation=conversation,
        user=request.user,
        anonymous_token=token if token is not None else _anonymous_token(request),
    )
    can_vote = conversation.is_open and rules.has_perm("deliberation.vote", request.user, conversation)
    return {
        "conversation": conversation,
        "participant": participant,
        "statement": selectors.next_statement(conversation, participant) if can_vote else None,
        "progress": selectors.participation_progress(conversation, participant),
        "can_vote": can_vote,
        "error": error,
    }


@_login_redirect
def conversation_detail(request, pk: int):
    return _detail_page(request, _conversation(request, pk))


def _detail_page(request, conversation, statement_form: StatementForm | None = None, status: int = 200):
    """The conversation's page; `statement_form` is a refused statement's form, shown with what was typed."""
    context = _card_context(request, conversation)
    can_submit = conversation.is_open and rules.has_perm("deliberation.add_statement", request.user, conversation)
    if statement_form is None and can_submit:
        statement_form = StatementForm(max_length=conversation.statement_max_length)
    context.update(
        can_submit=can_submit or statement_form is not None,
        statement_form=statement_form,
        can_manage=rules.has_perm("deliberation.change_conversation", request.user, conversation),
        mine=list(selectors.own_statements(conversation, context["participant"])),
    )
    return render(request, "deliberation/conversation.html", context, status=status)


@_login_redirect
@require_POST
def vote(request, pk: int):
    conversation = _conversation(request, pk)
    statement = get_object_or_404(Statement, pk=request.POST.get("statement") or 0, conversation=conversation)
    statement.conversation = conversation
    token, new_token = _ensure_token(request) if conversation.allow_anonymous else (_anonymous_token(request), False)
    error = ""
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = None
    try:
        if value is None:
            raise ValidationError(_("表态只能是赞同、反对或跳过。"))
        services.vote_cast(actor=request.user, statement=statement, value=value, anonymous_token=token)
    except PermissionDenied as exc:
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("deliberation:detail", args=[pk]))
        error = str(exc)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if _is_htmx(request):
        response = render(
            request,
            "deliberation/conversation.html#vote-card",
            _card_context(request, conversation, error=error, token=token),
        )
    else:
        if error:
            messages.error(request, error)
        response = redirect("deliberation:detail", pk)
    if new_token and not error:
        _remember_token(response, token)
    return response


@_login_redirect
@require_POST
@once_per_submission
def statement_add(request, pk: int):
    conversation = _conversation(request, pk)
    token, new_token = _ensure_token(request) if conversation.allow_anonymous else (_anonymous_token(request), False)
    form = StatementForm(request.POST, max_length=conversation.statement_max_length)
    if form.is_valid():
        try:
            statement = services.statement_submit(
                actor=request.user, conversation=conversation, text=form.cleaned_data["text"], anonymous_token=token
            )
        except PermissionDenied as exc:
            if not request.user.is_authenticated:
                return redirect_to_login(reverse("deliberation:detail", args=[pk]))
            messages.error(request, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)  # a limit, a closed conversation: said with the form, the text kept
            return _detail_page(request, conversation, form, status=422)
        else:
            if statement.is_visible(conversation):
                messages.success(request, _("您的观点已发表。"))
            else:
                messages.success(request, _("您的观点已提交，工作人员审核通过后将显示给其他参与者。"))
            response = redirect("deliberation:detail", pk)
            if new_token:
                _remember_token(response, token)
            return response
    else:
        return _detail_page(request, conversation, form, status=422)  # beside the field, what was typed kept
    return redirect("deliberation:detail", pk)


# ---------------------------------------------------------------------------------------------------- the map
GROUP_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _map_context(conversation):
    opinion_map, statements = selectors.map_for_page(conversation)
    result = (opinion_map.result if opinion_map else None) or {}

    def text(number):
        statement = statements.get(number)
        return statement.text if statement else ""

    groups = [
        {
            **group,
            "letter": GROUP_LETTERS[group["id"] % 26],
            "representative": [{**item, "text": text(item["statement"])} for item in group["representative"]],
        }
        for group in result.get("groups", [])
    ]
    consensus = {
        key: [
            {
                **item,
                "text": text(item["statement"]),
                "by_group": [
                    {"letter": GROUP_LETTERS[g % 26], "id": g, "pct": pct} for g, pct in enumerate(item["by_group"])
                ],
            }
            for item in result.get("consensus", {}).get(key, [])
        ]
        for key in ("agree", "disagree")
    }
    chart = {
        "points": result.get("points", []),
        "groups": [{"id": g["id"], "label": _("%(l)s 组") % {"l": g["letter"]}, "size": g["size"]} for g in groups],
        "axisLabel": _("观点相近的参与者彼此靠近"),
    }
    return {
        "conversation": conversation,
        "opinion_map": opinion_map,
        "result": result,
        "groups": groups,
        "consensus": consensus,
        "chart": chart,
    }


@_login_redirect
def map_view(request, pk: int):
    conversation = _conversation(request, pk, "deliberation.view_map")
    context = _map_context(conversation)
    context["can_manage"] = rules.has_perm("deliberation.change_conversation", request.user, conversation)
    return render(request, "deliberation/map.html", context)


@background_request  # polled by the page itself: not the user's activity
@_login_redirect
def map_status(request, pk: int):
    conversation = _conversation(request, pk, "deliberation.view_map")
    opinion_map, _statements = selectors.map_for_page(conversation)
    shown = request.GET.get("shown", "")
    current = opinion_map.computed_at.isoformat() if opinion_map and opinion_map.computed_at else ""
    return render(
        request,
        "deliberation/map.html#map-status",
        {"conversation": conversation, "opinion_map": opinion_map, "newer": bool(shown and current != shown)},
    )


@login_required
@require_POST
def map_recompute(request, pk: int):
    conversation = selectors.get_conversation_for_user(request.user, pk, "deliberation.change_conversation")
    services.map_request(conversation.pk)
    messages.success(request, _("已安排重新计算意见地图，稍后刷新即可看到结果。"))
    return redirect("deliberation:map", pk)


# ---------------------------------------------------------------------------------------------------- moderation
@login_required
def moderate(request, pk: int):
    conversation = selectors.get_conversation_for_user(request.user, pk, "deliberation.moderate_conversation")
    if request.method == "POST":
        statement = get_object_or_404(Statement, pk=request.POST.get("statement") or 0, conversation=conversation)
        statement.conversation = conversation
        approve = request.POST.get("decision") == "approve"
        services.statement_moderate(actor=request.user, statement=statement, approve=approve)
        messages.success(request, _("已通过该观点。") if approve else _("已移除该观点。"))
        return redirect("deliberation:moderate", pk)
    pending = selectors.statements_awaiting_moderation(conversation)
    shown = selectors.visible_statements(conversation).exclude(status=Statement.Status.PENDING).order_by("-number")
    return render(
        request,
        "deliberation/moderate.html",
        {"conversation": conversation, "pending": pending, "shown": shown[:200]},
    )


# ------------------------------------------------------------------------------------------ Polis import / export
@login_required
def import_polis(request, pk: int | None = None):
    conversation = None
    if pk is not None:
        conversation = selectors.get_conversation_for_user(request.user, pk, "deliberation.import_polis")
    elif request.organization is None or not rules.has_perm(
        "deliberation.import_polis", request.user, request.organization
    ):
        raise PermissionDenied
    form = PolisImportForm(request.POST or None, request.FILES or None, with_title=conversation is None)
    if request.method == "POST" and form.is_valid():
        try:
            export = polis.read_uploaded_export(form.cleaned_data["files"])
            target = services.polis_import(
                actor=request.user,
                export=export,
                conversation=conversation,
                organization=request.organization,
                title=form.cleaned_data.get("title", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("files", message)
        else:
            messages.success(request, _("导入完成，意见地图正在计算。"))
            return redirect("deliberation:map", target.pk)
    return render(request, "deliberation/import.html", {"form": form, "conversation": conversation})


@login_required
def export_zip(request, pk: int):
    conversation = selectors.get_conversation_for_user(request.user, pk, "deliberation.export_conversation")
    response = HttpResponse(polis.export_zip(conversation), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="conversation-{conversation.pk}-polis.zip"'
    return response


@login_required
def export_file(request, pk: int, name: str):
    conversation = selectors.get_conversation_for_user(request.user, pk, "deliberation.export_conversation")
    if name not in polis.POLIS_FILES:
        raise Http404
    data = polis.export_files(conversation)[name]
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
