"""The meeting itself: materials downloaded, the check-in QR code and check-in, live statements and questions."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.checkin import qr_svg
from xieshang.core.http import background_request
from xieshang.core.idempotency import mark_done, once_per_submission

from .. import selectors, services
from ..forms import LiveForm, apply_errors
from ..models import Material
from ._base import _is_htmx, _need


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


@login_required
def checkin_code_view(request, pk: int):
    """The QR code shown at the venue (or on the staff's phone): it opens the check-in page with a signed code."""
    consultation = selectors.get_consultation_for_user(request.user, pk)
    _need(request, "consultations.show_checkin_code", consultation)
    url = request.build_absolute_uri(reverse("consultations:checkin", args=[services.checkin_token(consultation)]))
    return render(
        request, "consultations/checkin_code.html", {"consultation": consultation, "url": url, "svg": qr_svg(url)}
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
    # Scanned outside the window: say when it opens, and offer no button (not an error of the request).
    closed = services.meeting_window(consultation).refusal() if consultation and not (invitation or error) else ""
    return render(
        request,
        "consultations/checkin.html",
        {"consultation": consultation, "invitation": invitation, "error": error, "closed": closed},
        status=400 if error else 200,
    )


@login_required
@once_per_submission
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
                mark_done(request, reverse("consultations:live", args=[pk]))
                form = LiveForm()
            else:
                return redirect("consultations:live", pk)
    context = {
        "consultation": consultation,
        "form": form,
        "messages_list": selectors.live_messages(consultation),
        "can_post": rules.has_perm("consultations.post_live", request.user, consultation),
        "closed": services.live_refusal(consultation),
    }
    if _is_htmx(request) and request.method == "POST":
        return render(request, "consultations/live.html#live-form", context)
    return render(request, "consultations/live.html", context)


@background_request  # polled by the page itself: not the user's activity
@login_required
def live_messages_view(request, pk: int):
    consultation = selectors.get_consultation_for_user(request.user, pk)
    return render(
        request,
        "consultations/live.html#live-feed",
        {"consultation": consultation, "messages_list": selectors.live_messages(consultation)},
    )
