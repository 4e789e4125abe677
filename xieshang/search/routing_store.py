"""Handling-unit suggestions: storing the organization's RoutingModel, asking it, and logging what staff chose.

The scoring is search.text.routing's; this module only feeds it (past assignments from registered routing sources,
unit names and keywords from accounts) and keeps its bytes in RoutingModelStore. A process caches the loaded model
per organization and reloads it when trained_at moves.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from xieshang.accounts.models import HandlingUnit
from xieshang.core import caches

from . import registry
from .lexicon import current_segmenter
from .models import RoutingModelStore, RoutingSuggestion
from .text.routing import KeywordRouter, RoutingModel, using_segmenter


@dataclass
class UnitSuggestion:
    unit: HandlingUnit
    confidence: float


_lock = threading.Lock()
_models: dict[int, tuple[object, RoutingModel, dict]] = {}


def _org_id(organization) -> int:
    return int(getattr(organization, "pk", organization))


def _keyword_router(org_id: int) -> tuple[KeywordRouter, dict[str, int]]:
    units = HandlingUnit.objects.filter(organization_id=org_id, is_active=True).values_list(
        "pk", "name", "short_name", "keywords"
    )
    mapping: dict[str, list[str]] = {}
    unit_map: dict[str, int] = {}
    for pk, name, short, keywords in units:
        words = [w for w in keywords.replace("，", ",").replace(",", " ").split() if w]
        if short:
            words.append(short)
        mapping[name] = words
        unit_map[name] = pk
    return KeywordRouter(mapping), unit_map


def train_routing_model(organization_id: int, *, min_examples: int = 30) -> RoutingModelStore:
    """Fit the organization's model on every registered routing source; with too little history the stored model
    answers from unit names and keywords (method "keywords")."""
    with using_segmenter(current_segmenter()):
        router, unit_map = _keyword_router(organization_id)
        active = set(unit_map.values())
        texts, labels = [], []
        for source in registry.routing_sources():
            for title, body, unit_id in source(organization_id):
                if unit_id in active:
                    texts.append((title or "", body or ""))
                    labels.append(str(unit_id))
        model = RoutingModel(keyword_router=router, min_examples=min_examples).fit(texts, labels)
    with transaction.atomic():
        store, _ = RoutingModelStore.objects.update_or_create(
            organization_id=organization_id,
            defaults={
                "data": model.to_bytes(),
                "method": model.method,
                "n_examples": model.n_examples,
                "unit_map": unit_map,
                "trained_at": timezone.now(),
            },
        )
    return store


def _model_for(org_id: int) -> tuple[RoutingModel, dict[str, int]]:
    trained_at = RoutingModelStore.objects.filter(organization_id=org_id).values_list("trained_at", flat=True).first()
    cached = _models.get(org_id)
    if cached is not None and cached[0] == trained_at:
        return cached[1], cached[2]
    with _lock:
        if trained_at is None:
            with using_segmenter(current_segmenter()):
                router, unit_map = _keyword_router(org_id)
            model = RoutingModel(keyword_router=router)
        else:
            store = RoutingModelStore.objects.get(organization_id=org_id)
            model, unit_map = RoutingModel.from_bytes(bytes(store.data)), store.unit_map
        _models[org_id] = (trained_at, model, unit_map)
        return model, unit_map


def forget() -> None:
    with _lock:
        _models.clear()


def suggest_units(
    organization,
    text: str,
    *,
    title: str = "",
    k: int = 3,
    doc_type: str = "",
    object_id: int | None = None,
    log: bool = True,
) -> tuple[list[UnitSuggestion], RoutingSuggestion | None]:
    """Up to ``k`` active handling units for a text, best first, and the log row (when ``log``) that
    ``record_routing_decision`` completes later."""
    org_id = _org_id(organization)
    model, unit_map = _model_for(org_id)
    with using_segmenter(current_segmenter()):
        raw = model.predict_top((title, text), k=k + 2)
    ids: list[tuple[int, float]] = []
    for label, confidence in raw:
        unit_id = int(label) if model.method == "classifier" else unit_map.get(label)
        if unit_id is not None and all(unit_id != u for u, _ in ids):
            ids.append((unit_id, confidence))
    units = HandlingUnit.objects.in_bulk([u for u, _ in ids])
    out = [
        UnitSuggestion(units[u], round(c, 4))
        for u, c in ids
        if u in units and units[u].is_active and units[u].organization_id == org_id
    ][:k]
    entry = None
    if log:
        entry = _log_suggestions(org_id, model.method, [(doc_type, object_id, out)])[0]
    return out, entry


def _log_suggestions(
    org_id: int, method: str, items: list[tuple[str, int | None, list[UnitSuggestion]]]
) -> list[RoutingSuggestion]:
    """One log row per object and routing: a page shown again (the plan form, the queue) updates the object's
    undecided row when the suggestion changed and writes nothing when it did not; a new row starts only once the last
    one was decided (the object is routed again, e.g. after a plan was sent back). Rows without an object are
    always new."""
    known = {}
    keys = {(d, o) for d, o, _found in items if o is not None}
    if keys:
        rows = RoutingSuggestion.objects.filter(
            organization_id=org_id,
            doc_type__in={d for d, _o in keys},
            object_id__in={o for _d, o in keys},
            chosen_unit__isnull=True,
            decided_at__isnull=True,
        ).order_by("at", "pk")
        for row in rows:
            known[(row.doc_type, row.object_id)] = row  # the latest undecided row wins
    out: list[RoutingSuggestion] = []
    new: list[RoutingSuggestion] = []
    changed: list[RoutingSuggestion] = []
    for doc_type, object_id, found in items:
        suggested = [{"unit_id": s.unit.pk, "confidence": s.confidence} for s in found]
        row = known.get((doc_type, object_id)) if object_id is not None else None
        if row is None:
            row = RoutingSuggestion(
                organization_id=org_id, doc_type=doc_type, object_id=object_id, suggested=suggested, method=method
            )
            new.append(row)
            if object_id is not None:
                known[(doc_type, object_id)] = row
        elif row.suggested != suggested or row.method != method:
            row.suggested, row.method = suggested, method
            if row.pk is not None and row not in changed:
                changed.append(row)
        out.append(row)
    if new:
        RoutingSuggestion.objects.bulk_create(new)
    if changed:
        RoutingSuggestion.objects.bulk_update(changed, ["suggested", "method"])
    return out


def record_routing_decision(
    *,
    organization,
    chosen_unit,
    suggestion: RoutingSuggestion | None = None,
    doc_type: str = "",
    object_id: int | None = None,
    actor=None,
) -> RoutingSuggestion | None:
    """Record the unit staff assigned. Finds the latest suggestion for the object when none is given; returns None
    when nothing was suggested for it (there is then nothing to score)."""
    org_id = _org_id(organization)
    if suggestion is None:
        suggestion = (
            RoutingSuggestion.objects.filter(organization_id=org_id, doc_type=doc_type, object_id=object_id)
            .order_by("-at", "-pk")
            .first()
        )
    if suggestion is None:
        return None
    unit_id = int(getattr(chosen_unit, "pk", chosen_unit))
    ranked = [s.get("unit_id") for s in suggestion.suggested]
    suggestion.chosen_unit_id = unit_id
    suggestion.chosen_rank = ranked.index(unit_id) + 1 if unit_id in ranked else None
    suggestion.accepted = suggestion.chosen_rank == 1
    suggestion.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["chosen_unit", "chosen_rank", "accepted", "decided_by", "decided_at"])
    return suggestion


def suggest_units_many(
    organization, items: list[tuple[str, int | None, str, str]], *, k: int = 3, log: bool = True
) -> list[list[UnitSuggestion]]:
    """``suggest_units`` for a list page: items are (doc_type, object_id, title, text); one model lookup, one unit
    query and one bulk insert of log rows, however many items."""
    org_id = _org_id(organization)
    model, unit_map = _model_for(org_id)
    with using_segmenter(current_segmenter()):
        raw = model.predict_top_many([(title, text) for _t, _o, title, text in items], k=k + 2)
    ranked: list[list[tuple[int, float]]] = []
    for top in raw:
        ids: list[tuple[int, float]] = []
        for label, confidence in top:
            unit_id = int(label) if model.method == "classifier" else unit_map.get(label)
            if unit_id is not None and all(unit_id != u for u, _ in ids):
                ids.append((unit_id, confidence))
        ranked.append(ids)
    units = HandlingUnit.objects.in_bulk({u for ids in ranked for u, _ in ids})
    out = [
        [
            UnitSuggestion(units[u], round(c, 4))
            for u, c in ids
            if u in units and units[u].is_active and units[u].organization_id == org_id
        ][:k]
        for ids in ranked
    ]
    if log and items:
        logged = [(doc_type, object_id, found) for (doc_type, object_id, _t, _x), found in zip(items, out, strict=True)]
        _log_suggestions(org_id, model.method, logged)
    return out


caches.register("search.routing", forget)
