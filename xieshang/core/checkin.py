"""QR check-in pages shared by every app that checks people in at a venue (activities, sessions, consultations):
the code shown at the venue and the page the code opens. The app gives its own lookups and service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (no image file, nothing the CSP blocks)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return str(image.to_string(encoding="unicode"))


def code_page(
    request: HttpRequest, *, event: Any, name: str, url_name: str, token: str, template: str, window: Any
) -> HttpResponse:
    """The page shown at the venue: the QR code that opens `url_name` with the event's signed `token`."""
    url = request.build_absolute_uri(reverse(url_name, args=[token]))
    return render(request, template, {name: event, "url": url, "svg": qr_svg(url), "window": window})


def checkin_page(
    request: HttpRequest,
    token: str,
    *,
    find: Callable[[str], Any],
    check_in: Callable[[Any, str], Any],
    already: Callable[[Any, Any], Any],
    window: Callable[[Any], Any],
    template: str,
    names: tuple[str, str],
) -> HttpResponse:
    """The page a scanned code opens: the event the token names (`find`), a POST checks the user in (`check_in`),
    a GET shows whether he already is (`already`); refusals are shown with status 400. Scanned outside the window,
    the page says when check-in opens (or that it closed) and offers no button (`closed`: not an error of the
    request). `names` are the template's names for the event and the attendance row."""
    error = ""
    event = row = None
    try:
        event = find(token)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if event is not None and request.method == "POST":
        try:
            row = check_in(request.user, token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    elif event is not None:
        row = already(event, request.user)
    span = window(event) if event is not None else None
    closed = span.refusal() if span is not None and not (row or error) else ""
    context = {names[0]: event, names[1]: row, "error": error, "window": span, "closed": closed}
    return render(request, template, context, status=400 if error else 200)
