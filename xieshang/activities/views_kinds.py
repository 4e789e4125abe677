"""Staff pages of the kinds of activity: the list with each kind's fields and points, a form to add a kind and to
edit one (names, fields, check-in window, points from a year on). Writes go through services.kind_save."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.idempotency import once_per_submission
from xieshang.core.services import require
from xieshang.duties import selectors as duty_selectors

from . import selectors, services
from .forms import KindForm, apply_errors
from .services.kinds import FLAGS
from .views_base import organization_of

FIELDS = ("name", "order", *FLAGS, "checkin_before_minutes", "checkin_after_minutes", "is_active")


def _points(organization, kinds, year: int) -> dict[str, tuple]:
    rules = {r.key: r for r in duty_selectors.rules_for(organization, year)}
    return {
        k.key: (
            getattr(rules.get(k.attendance_rule_key), "points", None),
            getattr(rules.get(k.leader_rule_key), "points", None),
        )
        for k in kinds
    }


@login_required
def kind_list(request):
    organization = organization_of(request)
    require(request.user, "activities.manage_kinds", organization)
    year = timezone.localdate().year
    kinds = selectors.kinds_for(organization, active_only=False)
    points = _points(organization, kinds, year)
    rows = [(k, [str(KindForm.base_fields[f].label) for f in FLAGS if getattr(k, f)], *points[k.key]) for k in kinds]
    return render(request, "activities/kinds.html", {"rows": rows, "year": year})


@login_required
@once_per_submission
def kind_edit(request, key: str = ""):
    organization = organization_of(request)
    require(request.user, "activities.manage_kinds", organization)
    year = timezone.localdate().year
    kind = None
    if key:
        kind = next((k for k in selectors.kinds_for(organization, active_only=False) if k.key == key), None)
        if kind is None:
            raise Http404
    initial = {
        "year": year,
        "is_active": True,
        "order": 100,
        "checkin_before_minutes": 60,
        "checkin_after_minutes": 120,
    }
    if kind is not None:
        points, leader = _points(organization, [kind], year)[kind.key]
        initial = {
            f: getattr(kind, f)
            for f in ("name", "order", *FLAGS, "checkin_before_minutes", "checkin_after_minutes", "is_active")
        }
        initial |= {"points": points, "leader_points": leader, "year": year}
    form = KindForm(request.POST or None, initial=initial, editing=kind is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = services.KindValues(
            **{f: data[f] for f in FIELDS},
            points=data["points"], leader_points=data["leader_points"], year=data["year"],
        )  # fmt: skip
        try:
            saved = services.kind_save(
                actor=request.user, organization=organization, values=values, key=key, new_key=data.get("key", "")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("活动类型“%(name)s”已保存。") % {"name": saved.name})
            return redirect("activities:kinds")
    return render(
        request, "activities/kind_form.html", {"kind": kind, "form": form}, status=400 if form.errors else 200
    )
