"""The one moderation queue: everything residents wrote that awaits a decision in the organization, across kinds,
with the blocklist words highlighted; a decision per item (approve, or reject with a reason from the office's list
and words of one's own); the office's blocklist and the pre/post mode of the kinds without a mode of their own."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.views import submit

from . import registry, selectors, services
from .forms import BlocklistForm, DecisionForm, ModeForm

PER_PAGE = 30


def _org(request):
    if request.organization is None:
        raise Http404
    if not rules.has_perm("moderation.view_queue", request.user, request.organization):
        raise PermissionDenied
    return request.organization


def _context(request, organization, *, forms=None, blocklist_form=None):
    forms = forms or {}
    only = request.GET.get("kind", "") or request.POST.get("only", "")
    reasons = selectors.reasons(organization)
    page = Paginator(selectors.queue(request.user, organization, only=only), PER_PAGE).get_page(request.GET.get("page"))
    for item in page:
        item.form = forms.get(item.key) or DecisionForm(prefix=_prefix(item.kind.key, item.obj.pk), reasons=reasons)
    modes = [
        (kind, ModeForm(initial={"kind": kind.key, "mode": selectors.mode_of(organization.pk, kind.key)}))
        for kind in registry.registered()
        if not kind.own_mode and kind.may_moderate(request.user, organization)
    ]
    return {
        "page": page,
        "counts": selectors.counts(request.user, organization),
        "only": only,
        "modes": modes,
        "blocklist_form": blocklist_form
        or BlocklistForm(initial={"words": "\n".join(selectors.own_blocked_words(organization))}),
    }


def _prefix(key: str, pk: int) -> str:
    return f"{key.replace('.', '_')}_{pk}"


@login_required
def queue_view(request):
    organization = _org(request)
    return render(request, "moderation/queue.html", _context(request, organization))


@login_required
@require_POST
def decide_view(request, key: str, pk: int):
    organization = _org(request)
    kind = registry.kind(key)
    if kind is None:
        raise Http404
    reasons = selectors.reasons(organization)
    form = DecisionForm(request.POST, prefix=_prefix(key, pk), reasons=reasons)
    to = reverse("moderation:queue") + (f"?kind={request.POST['only']}" if request.POST.get("only") else "")

    def again(form):
        context = _context(request, organization, forms={f"{key}:{pk}": form})
        return render(request, "moderation/queue.html", context, status=400)

    return submit(
        request,
        form,
        lambda data: services.decide(
            actor=request.user,
            key=key,
            pk=pk,
            decision=data["decision"],
            reason=data["reason"],
            text=data["text"],
        ),
        success=lambda _obj: (
            _("已通过并公开。") if form.cleaned_data["decision"] == registry.APPROVE else _("已处理：不予通过。")
        ),
        to=to,
        page=again,
        refusals=(PermissionDenied,),
    )


@login_required
@require_POST
def blocklist_view(request):
    organization = _org(request)
    return submit(
        request,
        BlocklistForm(request.POST),
        lambda data: services.blocklist_save(actor=request.user, organization=organization, words=data["words"]),
        success=lambda words: _("敏感词已保存，共 %(n)d 个。") % {"n": len(words)},
        to=reverse("moderation:queue"),
        page=lambda form: render(
            request, "moderation/queue.html", _context(request, organization, blocklist_form=form), status=400
        ),
    )


@login_required
@require_POST
def mode_view(request):
    organization = _org(request)
    return submit(
        request,
        ModeForm(request.POST),
        lambda data: services.mode_save(
            actor=request.user, organization=organization, key=data["kind"], mode=data["mode"]
        ),
        success=_("审核方式已保存。"),
        to=reverse("moderation:queue"),
        page=lambda form: render(request, "moderation/queue.html", _context(request, organization), status=400),
    )
