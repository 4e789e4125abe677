"""Reads of the search app: dictionary lists, the routing accuracy report, keyword statistics."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q, QuerySet

from xieshang.accounts.models import Sector

from .dictionary import current_segmenter
from .models import DictionaryWord, RoutingSuggestion, SearchDocument
from .text.keywords import top_terms as text_top_terms


def dictionary_words(organization) -> QuerySet[DictionaryWord]:
    """The organization's own words and the platform-wide ones, for the management page."""
    return (
        DictionaryWord.objects.filter(Q(organization=organization) | Q(organization__isnull=True))
        .select_related("added_by")
        .order_by("organization_id", "kind", "word")
    )


def routing_accuracy(organization, since: date | None = None, until: date | None = None) -> dict:
    """How often the unit staff chose was the first suggestion, or among the three, overall and per method."""
    qs = RoutingSuggestion.objects.filter(organization=organization, chosen_unit__isnull=False)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    rows = qs.values("method").annotate(
        n=Count("id"), top1=Count("id", filter=Q(chosen_rank=1)), top3=Count("id", filter=Q(chosen_rank__lte=3))
    )
    by_method = {}
    total = {"n": 0, "top1": 0, "top3": 0}
    for row in rows:
        by_method[row["method"]] = _rates(row)
        for key in total:
            total[key] += row[key]
    return {**_rates(total), "by_method": by_method}


def _rates(row) -> dict:
    n = row["n"]
    return {
        "n": n,
        "top1": row["top1"],
        "top3": row["top3"],
        "top1_rate": row["top1"] / n if n else None,
        "top3_rate": row["top3"] / n if n else None,
    }


def top_terms(
    organization,
    period: tuple[date | None, date | None] | int | None = None,
    by: str | None = None,
    n: int = 20,
    doc_types: list[str] | None = None,
) -> dict[str, list[tuple[str, int]]]:
    """Most frequent content words of the organization's indexed documents (counted once per document), overall
    (key "") or per sector / per category. ``period`` is a year or a (from, to) pair of dates on doc_date."""
    qs = SearchDocument.objects.filter(organization=organization)
    if doc_types:
        qs = qs.filter(doc_type__in=doc_types)
    if isinstance(period, int):
        qs = qs.filter(year=period)
    elif period:
        start, end = period
        if start:
            qs = qs.filter(doc_date__gte=start)
        if end:
            qs = qs.filter(doc_date__lte=end)
    field = {"sector": "sector_id", "category": "category", None: None, "": None}[by]
    groups: dict[object, list[str]] = defaultdict(list)
    columns = ["title", "body"] + ([field] if field else [])
    for row in qs.values_list(*columns).iterator(2000):
        groups[row[2] if field else ""].append(f"{row[0]}\n{row[1]}")
    labels: dict[object, str] = {}
    if by == "sector":
        ids = [k for k in groups if k is not None]
        labels = {pk: name for pk, name in Sector.objects.filter(pk__in=ids).values_list("pk", "name")}
    segmenter = current_segmenter()
    out: dict[str, list[tuple[str, int]]] = {}
    for key, texts in groups.items():
        label = labels.get(key, "" if key is None else str(key))
        out[label] = text_top_terms(texts, n=n, segmenter=segmenter, per_document=True)
    return out
