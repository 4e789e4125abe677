"""Outcomes (建议案与议事成果): lists, the page, progress reports, publication and residents' ratings."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import submit
from xieshang.workflow.selectors import state_has

from .. import selectors, services
from ..forms import ProgressForm, RatingForm
from ..models import Outcome, Rating
from ..workflows import DONE
from ._base import PER_PAGE, _need, _org


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
    # Residents rate a room's outcome; the members who received a promise rate its delivery (consultations.origins).
    rated = bool(outcome.topic_id) or outcome.source == Outcome.Source.PROMISE
    may_rate = rated and rules.has_perm("consultations.rate_outcome", user, outcome)
    my_rating = Rating.objects.filter(outcome=outcome, user=user).first() if rated else None
    ratings = outcome.ratings.all()
    return {
        "outcome": outcome,
        "progress": outcome.progress.all(),
        "progress_form": forms.get("progress_form") or (ProgressForm() if can_progress else None),
        "rating_form": forms.get("rating_form") or (RatingForm() if may_rate and not my_rating else None),
        "my_rating": my_rating,
        "rating_summary": {s: sum(1 for r in ratings if r.score == s) for s in Rating.Score.values},
        "rated": rated,
        "is_citizen_waiting": rated and not may_rate and not state_has(outcome, DONE),
        "can_publish": rules.has_perm("consultations.publish_outcome", user, outcome),
    }


def _outcome_page(request, outcome, **forms):
    """The outcome's page again with a refused form (status 400)."""
    return render(request, "consultations/outcome.html", _outcome_context(request, outcome, **forms), status=400)


@login_required
def outcome_detail(request, pk: int):
    outcome = selectors.get_outcome_for_user(request.user, pk)
    return render(request, "consultations/outcome.html", _outcome_context(request, outcome))


@login_required
@require_POST
@once_per_submission
def progress_view(request, pk: int):
    outcome = selectors.get_outcome_for_user(request.user, pk)
    return submit(
        request,
        ProgressForm(request.POST),
        lambda data: services.progress_add(actor=request.user, outcome=outcome, **data),
        success=_("已记录落实进展。"),
        to=outcome,
        page=lambda form: _outcome_page(request, outcome, progress_form=form),
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
    return submit(
        request,
        RatingForm(request.POST),
        lambda data: services.outcome_rate(actor=request.user, outcome=outcome, **data),
        success=_("感谢您的评价。"),
        to=outcome,
        page=lambda form: _outcome_page(request, outcome, rating_form=form),
    )
