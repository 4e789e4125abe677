"""The portal's landing page (`/` for a visitor who is not signed in): what is being consulted now, open calls, the
latest outcomes and their progress, rooms near the visitor, replies to proposals — one portal per organization,
a city's rolling up its districts'.

Apps register sections (as with the workbench and the menu, core imports no domain): each builds its context from
the organization ids of the portal and the visitor's choices (`?district=`), and names the models whose writes change
it. Accounts registers the scope (which organization a visitor is looking at, with those below it). The sections are
rendered once per organization, district and language into a part kept in the shared cache (core.fragments) under
the landing's generation, which any save or delete of a named model advances: a visitor's request reads that part
and nothing else from the database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from . import fragments, generations

GENERATION = "portal:landing"
SECONDS = 600  # a bound: every write of a registered model moves the generation at once


@dataclass(frozen=True)
class Scope:
    """The organization a visitor looks at, the ids shown with it (itself and those below), the portal's choices of
    organization ((code, name) pairs) and of district."""

    organization: Any
    ids: tuple[int, ...]
    organizations: tuple[tuple[str, str], ...] = ()
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    build: Callable[[Sequence[int], dict[str, str]], dict[str, Any]]  # (organization ids, choices) → context
    order: int = 100
    models: tuple[str, ...] = field(default=())  # "app_label.Model" whose writes change what the section shows


_sections: dict[str, Section] = {}
_scope: list[Callable[[HttpRequest], Scope | None]] = []


def _changed(sender: Any, using: str = "default", **kwargs: Any) -> None:
    generations.advance(GENERATION, using=using)


def register(section: Section) -> None:
    _sections[section.key] = section
    for label in section.models:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"landing.saved.{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"landing.deleted.{label}")


def register_scope(resolve: Callable[[HttpRequest], Scope | None]) -> None:
    _scope[:] = [resolve]


def _choices(request: HttpRequest, scope: Scope) -> dict[str, str]:
    district = request.GET.get("district", "")
    return {"district": district if district in scope.districts else ""}


def landing_view(request: HttpRequest) -> HttpResponse:
    scope = _scope[0](request) if _scope else None
    if scope is None:
        return render(request, "core/home.html", {"body": "", "scope": None})
    choices = _choices(request, scope)

    def build() -> dict[str, Any]:
        shown = [
            {"key": s.key, "template": s.template, **s.build(scope.ids, choices)}
            for s in sorted(_sections.values(), key=lambda s: s.order)
        ]
        return {"sections": shown, "scope": scope, "choices": choices}

    vary = f"{scope.organization.pk}:{get_language()}:{choices['district']}"
    part = fragments.cached(request, "core/_landing.html", build, vary=vary, generations=(GENERATION,), seconds=SECONDS)
    return render(request, "core/home.html", {"body": part.html, "scope": scope, "choices": choices})
