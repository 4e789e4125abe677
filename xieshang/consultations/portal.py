"""The public portal 《郑在协商》: consultations and rooms as anyone may see them (no login), with an Atom feed.

Only what the organization chose to publish appears: public consultations, public rooms, and outcomes whose
status is public. Names of residents never appear here."""

from __future__ import annotations

import rules
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from xieshang.core.names import named
from xieshang.workflow.selectors import state_has

from . import selectors
from .models import Article, Consultation, LiveStage, Photo
from .workflows import LIVE_STREAM, MINUTES_PUBLIC


def portal_index(request):
    return render(
        request,
        "consultations/portal/index.html",
        {
            "consultations": selectors.public_consultations()[:20],
            "open_calls": selectors.open_calls(request.organization)[:6],
            "rooms": selectors.public_rooms(),
            "articles": selectors.public_articles()[:8],
            "photos": selectors.public_photos()[:6],
        },
    )


def public_consultation(request, pk: int):
    consultation = get_object_or_404(selectors.public_consultations(), pk=pk)
    return render(
        request,
        "consultations/portal/consultation.html",
        {
            "consultation": consultation,
            "hosts": consultation.hosts.all(),
            "segments": consultation.segments.all(),
            "calls": selectors.public_calls_of(consultation),
            "outcomes": selectors.public_outcomes(consultation=consultation).select_related("owner_unit"),
            "articles": selectors.public_articles(consultation),
            "photos": selectors.public_photos(consultation),
            "show_minutes": state_has(consultation, MINUTES_PUBLIC),
            "live_stream": state_has(consultation, LIVE_STREAM),
            "public_stage": LiveStage.objects.filter(consultation=consultation, is_public=True).first(),
        },
    )


def public_room(request, pk: int):
    room = get_object_or_404(selectors.public_rooms(), pk=pk)
    return render(
        request,
        "consultations/portal/room.html",
        {
            "room": room,
            "topics": selectors.public_topics(room),
            "articles": selectors.public_articles(room),
            "photos": selectors.public_photos(room),
            "following": selectors.is_following(request.user, room),
        },
    )


def public_article(request, pk: int):
    article = get_object_or_404(selectors.public_articles(), pk=pk)
    parent = article.parent
    return render(
        request,
        "consultations/portal/article.html",
        {"article": article, "parent": parent, "photos": selectors.public_photos(parent)[:6]},
    )


def photo_file(request, pk: int):
    """The image of a photo: to anyone while it is published on a public page; otherwise only to staff who may
    change it (their staff page shows drafts). Unpublishing takes it off at once, cached copies aside."""
    photo = get_object_or_404(Photo, pk=pk)
    public = selectors.public_photos().filter(pk=pk).exists()
    if not public and not (
        request.user.is_authenticated
        and (
            rules.has_perm("consultations.change_media", request.user, photo)
            or rules.has_perm("consultations.add_media", request.user, photo.parent)
        )
    ):
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=_CONTENT_TYPES.get(photo.image.name.rsplit(".", 1)[-1], "image/jpeg"))
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class PortalFeed(Feed):
    feed_type = Atom1Feed
    title = _("郑在协商")
    subtitle = _("协商活动、议事室成果与报道")
    link = "/consultations/portal/"

    def items(self):
        consultations = list(selectors.public_consultations()[:20])
        articles = list(selectors.public_articles()[:20])
        outcomes = list(selectors.public_outcomes().order_by("-created_at")[:20])
        return sorted(consultations + articles + outcomes, key=self._when, reverse=True)[:40]

    @staticmethod
    def _when(item):
        return getattr(item, "published_at", None) or item.created_at

    def item_title(self, item):
        if isinstance(item, Consultation):
            return f"{item.get_kind_display()}：{item.title}"
        return item.title

    def item_description(self, item):
        if isinstance(item, Consultation):
            return f"{item.planned_date} · {named(item.state.name)}"
        if hasattr(item, "state"):
            return f"{named(item.state.name)} · {item.body[:200]}"
        return item.body[:300]

    def item_link(self, item):
        if isinstance(item, Consultation):
            return item.get_public_url()
        if isinstance(item, Article):
            return item.get_public_url()
        if hasattr(item, "consultation_id") and getattr(item, "topic_id", None):
            return item.topic.room.get_public_url()
        if getattr(item, "consultation_id", None):
            return item.consultation.get_public_url()
        if getattr(item, "room_id", None):
            return item.room.get_public_url()
        return "/consultations/portal/"

    def item_pubdate(self, item):
        return self._when(item)
