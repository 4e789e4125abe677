"""A public proposal (one whose reply the office published) may be followed (notifications.follows): its further
replies published and every later move of its workflow feed its followers' digests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core.names import named
from xieshang.notifications import follows
from xieshang.notifications.services import follow_event

from . import page_queries


def _public(proposal: Any) -> bool:
    """Public as the public pages define it (page_queries.public_proposals, an active conference's proposal with a
    published reply): one definition of who may see it for the page and for following."""
    organization = proposal.organization
    return organization.is_active and page_queries.public_proposals(organization).filter(pk=proposal.pk).exists()


def _url(proposal: Any) -> str:
    return reverse("proposals:public_detail", args=[proposal.organization.code, proposal.pk])


def _title(proposal: Any) -> str:
    return f"{proposal.number} {proposal.title}".strip()


def register() -> None:
    follows.register(
        follows.Followable(
            "proposal",
            "proposals.proposal",
            gettext_lazy("提案"),
            lambda user, proposal: _public(proposal),
            _url,
            title=_title,
        )
    )


def moved(proposal: Any, event: Any, payload: Any) -> None:
    """Every transition of a public proposal (the engine's ANY hook)."""
    if proposal.published_reply_at is None:
        return

    def text() -> str:
        values = {
            "obj": _title(proposal)[:60],
            "action": named(event.transition_name),
            "state": named(event.to_state_name),
        }
        return _("%(obj)s：%(action)s，当前状态“%(state)s”。") % values

    follow_event(obj=proposal, kind="proposal.moved", text=text, url=_url(proposal), actor=event.actor)


def reply_published(proposal: Any, reply: Any, actor: Any) -> None:
    def text() -> str:
        unit = getattr(getattr(reply, "assignment", None), "unit", None)
        if unit is not None:
            return _("%(obj)s：%(unit)s的答复已公开。") % {"obj": _title(proposal)[:60], "unit": unit}
        return _("%(obj)s：答复已公开。") % {"obj": _title(proposal)[:60]}

    follow_event(obj=proposal, kind="proposal.reply", text=text, url=_url(proposal), actor=actor)
