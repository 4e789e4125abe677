"""Public calls (征集): the call's page (public: anyone reads the published entries; residents and members signed
in write and support), the open calls of the portal, and the staff's moderation queue with the blocklist."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import act, submit

from .. import selectors, services
from ..forms import AppealForm, CallMapForm, EntryForm, ModerateForm
from ..models import Entry
from ..moderation import ENTRY_KIND
from ._base import PER_PAGE, _need


def _call_context(request, call, entry_form=None, appeal_forms=None, hide_forms=None, map_form=None):
    user = request.user
    staff = rules.has_perm("consultations.moderate_call", user, call)
    mine = list(selectors.entries_by(user, call))
    appeal_forms = appeal_forms or {}
    for entry in mine:
        entry.appeal_form = appeal_forms.get(entry.pk) or (
            AppealForm()
            if entry.status in (Entry.Status.REJECTED, Entry.Status.HIDDEN) and entry.appealed_at is None
            else None
        )
    can_answer = rules.has_perm("consultations.answer_call", user, call)
    page = Paginator(selectors.published_entries(call), PER_PAGE).get_page(request.GET.get("page"))
    if staff:
        hide_forms = hide_forms or {}
        for entry in page:
            entry.hide_form = hide_forms.get(entry.pk) or ModerateForm(
                prefix=f"e{entry.pk}", initial={"decision": "hide"}
            )
    return {
        "call": call,
        "consultation": call.consultation,
        "page": page,
        "mine": mine,
        "supported": selectors.supported_entry_ids(user, call),
        "can_answer": can_answer,
        "refusal": services.deadline_refusal(call),
        "entry_form": entry_form or EntryForm(),
        "staff": staff,
        "summary": selectors.call_summary(call, top=5) if staff else None,
        "map": selectors.call_map_digest(call) if staff else None,
        "map_form": (map_form or CallMapForm(call=call)) if staff else None,
    }


def call_page(request, pk: int):
    call = selectors.get_call_for_user(request.user, pk)
    return render(request, "consultations/portal/call.html", _call_context(request, call))


def _call_page_again(request, call, **forms):
    return render(request, "consultations/portal/call.html", _call_context(request, call, **forms), status=400)


def open_calls_view(request):
    calls = selectors.open_calls(request.organization)
    page = Paginator(calls, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "consultations/portal/calls.html", {"page": page})


@login_required
@require_POST
@once_per_submission
def entry_submit_view(request, pk: int):
    call = selectors.get_call_for_user(request.user, pk)

    def done(entry):
        if entry.status == Entry.Status.PUBLISHED:
            return _("留言已公开，感谢参与！")
        return _("留言已提交，经工作人员审核后公开。审核结果会通知您。")

    return submit(
        request,
        EntryForm(request.POST),
        lambda data: services.entry_submit(actor=request.user, call=call, text=data["text"]),
        success=done,
        to=call,
        page=lambda form: _call_page_again(request, call, entry_form=form),
        refusals=(PermissionDenied,),
    )


def _entry(request, pk: int) -> Entry:
    entry = get_object_or_404(Entry.objects.select_related("call__consultation", "author"), pk=pk)
    selectors.get_call_for_user(request.user, entry.call_id)
    return entry


@login_required
@require_POST
def entry_support_view(request, pk: int):
    entry = _entry(request, pk)
    return act(
        request,
        lambda: services.entry_support(actor=request.user, entry=entry),
        success=_("感谢支持！"),
        to=f"{entry.call.get_absolute_url()}#entry-{entry.pk}",
    )


@login_required
@require_POST
def entry_appeal_view(request, pk: int):
    entry = _entry(request, pk)
    return submit(
        request,
        AppealForm(request.POST),
        lambda data: services.entry_appeal(actor=request.user, entry=entry, text=data["appeal"]),
        success=_("申诉已提交，工作人员会重新审核。"),
        to=entry.call,
        page=lambda form: _call_page_again(request, entry.call, appeal_forms={entry.pk: form}),
        refusals=(PermissionDenied,),
    )


@login_required
@require_POST
def call_summary_view(request, pk: int):
    call = selectors.get_call_for_user(request.user, pk)
    _need(request, "consultations.moderate_call", call)
    return act(
        request,
        lambda: services.call_summary_attach(actor=request.user, call=call),
        success=_("征集情况汇总已加入会议材料。"),
        to=call.consultation,
    )


@login_required
@require_POST
def call_map_view(request, pk: int):
    """Staff attach an opinion map to the call (or detach it, choosing none)."""
    call = selectors.get_call_for_user(request.user, pk)
    _need(request, "consultations.moderate_call", call)
    return submit(
        request,
        CallMapForm(request.POST, call=call),
        lambda data: services.call_map_attach(actor=request.user, call=call, conversation=data["conversation"]),
        success=lambda c: _("已关联意见地图。") if c.conversation_id else _("已取消关联意见地图。"),
        to=call.get_absolute_url(),
        page=lambda form: _call_page_again(request, call, map_form=form),
    )


# ---------------------------------------------------------------------------------------------------- moderation
@login_required
def queue_view(request):
    """The calls' queue is the one moderation queue (moderation app), showing call entries."""
    return redirect(f"{reverse('moderation:queue')}?kind={ENTRY_KIND}")


@login_required
@require_POST
def moderate_view(request, pk: int):
    """Hiding a published entry from the call's page (the queue's decisions go through the moderation app)."""
    entry = _entry(request, pk)
    _need(request, "consultations.moderate_call", entry)
    form = ModerateForm(request.POST, prefix=f"e{entry.pk}")
    return submit(
        request,
        form,
        lambda data: services.entry_moderate(actor=request.user, entry=entry, **data),
        success=lambda e: _("已处理：%(d)s。") % {"d": services.DECISION_LABELS[form.cleaned_data["decision"]]},
        to=f"{entry.call.get_absolute_url()}#entry-{entry.pk}",
        page=lambda form: _call_page_again(request, entry.call, hide_forms={entry.pk: form}),
    )
