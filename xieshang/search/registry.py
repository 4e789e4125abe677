"""Document types: what domains register so that search can index them without knowing them.

A domain app calls ``register_document_type`` in its AppConfig.ready() and ``index_later(obj)`` from its services
after every write; search never imports a domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import models

PUBLIC = "public"  # every signed-in user of any organization (e.g. published replies)
ORGANIZATION = "organization"  # anyone holding a role in the document's organization
RESTRICTED = "restricted"  # only the listed users, the listed roles of that organization, the listed units' officers
# In ``SearchDoc.viewer_org_roles``: any role at all in that organization (e.g. every host of a co-hosted meeting).
ANY_ROLE = "*"


@dataclass(frozen=True)
class SearchDoc:
    """What a domain object looks like to search. Visibility is data so that the permission filter runs in SQL."""

    title: str
    body: str
    organization_id: int
    year: int | None = None
    state: str = ""
    category: str = ""
    unit_ids: Sequence[int] = ()
    sector_id: int | None = None
    url: str = ""
    doc_date: date | None = None
    visibility: str = ORGANIZATION
    viewer_user_ids: Sequence[int] = ()
    viewer_roles: Sequence[str] = ()
    viewer_unit_ids: Sequence[int] = ()
    # (organization id, role or ANY_ROLE) pairs for readers in other organizations than the document's own: the
    # conference a report was sent up to, the co-hosts of a consultation. Holders match whatever their membership of
    # ``organization_id``; named users and the listed units' officers match likewise.
    viewer_org_roles: Sequence[tuple[int, str]] = ()


@dataclass(frozen=True)
class HitPlace:
    """Where a hit belongs, shown beside it ("议事室：黄河路社区议事室"): a label for the kind of place, its name and
    a link to it (empty when the reader cannot open it)."""

    label: str
    name: str
    url: str = ""


# Given the object ids of one type on a page of hits, the place of each (ids without a place are left out): one
# query per type and page, not one per hit.
PlaceLookup = Callable[[Sequence[int]], dict[int, HitPlace]]


@dataclass(frozen=True)
class DocumentType:
    key: str
    label: str
    model: type[models.Model]
    to_document: Callable[[models.Model], SearchDoc | None]
    queryset: Callable[[], models.QuerySet] | None = None
    # Optional last word on a hit, given (user, SearchDocument row); the SQL visibility filter has already run.
    can_view: Callable[[object, object], bool] | None = None
    states: Sequence[tuple[str, str]] = field(default_factory=tuple)
    similarity: bool = True
    places: PlaceLookup | None = None

    def objects(self) -> models.QuerySet:
        return self.queryset() if self.queryset is not None else self.model._default_manager.all()


_types: dict[str, DocumentType] = {}
RoutingSource = Callable[[object], Iterable[tuple[str, str, int]]]
_routing_sources: dict[str, RoutingSource] = {}


def register_document_type(
    key: str,
    label: str,
    model: type[models.Model],
    to_document: Callable[[models.Model], SearchDoc | None],
    *,
    queryset: Callable[[], models.QuerySet] | None = None,
    can_view: Callable[[object, object], bool] | None = None,
    states: Sequence[tuple[str, str]] = (),
    similarity: bool = True,
    places: PlaceLookup | None = None,
) -> DocumentType:
    """Register (or re-register) a type. ``to_document`` returns None for an object that must not be searchable
    (a draft, a withdrawn report): indexing it then removes it from the index. ``places`` names where each hit
    belongs (a room topic's room), shown beside the hit."""
    if not key or len(key) > 40:
        raise ValueError("document type key must be 1-40 characters")
    doc_type = DocumentType(key, label, model, to_document, queryset, can_view, tuple(states), similarity, places)
    _types[key] = doc_type
    return doc_type


def unregister_document_type(key: str) -> None:
    _types.pop(key, None)


def get_document_type(key: str) -> DocumentType:
    try:
        return _types[key]
    except KeyError:
        raise LookupError(f"unknown search document type {key!r}") from None


def document_types() -> list[DocumentType]:
    return list(_types.values())


def types_for_model(model: type[models.Model]) -> list[DocumentType]:
    model = model._meta.concrete_model
    return [t for t in _types.values() if t.model._meta.concrete_model is model]


def register_routing_source(key: str, source: RoutingSource) -> None:
    """A domain's past assignments as training examples: ``source(organization)`` yields (title, body, unit_id)."""
    _routing_sources[key] = source


def routing_sources() -> list[RoutingSource]:
    return list(_routing_sources.values())
