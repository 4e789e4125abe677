"""Reads of the search app: dictionary lists, the routing accuracy report, keyword statistics, and which index
rows a user may see (visibility_condition: the search page and the similar-documents panels ask it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from xieshang.accounts.models import Role, RoleGrant, Sector
from xieshang.accounts.selectors import is_staff_person, roles_by_organization

from . import registry
from .lexicon import current_segmenter
from .models import DictionaryWord, RoutingSuggestion, SearchDocument
from .text.keywords import DocumentFrequencies
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
    """Keywords (TF-IDF against the whole period, counted once per document) of the organization's indexed
    documents, overall (key "") or per sector / per category. ``period`` is a year or a (from, to) pair of dates on
    doc_date."""
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
    # TF-IDF against all of the period's documents: what sets a group apart, not what every proposal says.
    background = DocumentFrequencies.of_texts((t for texts in groups.values() for t in texts), segmenter)
    out: dict[str, list[tuple[str, int]]] = {}
    for key, texts in groups.items():
        label = labels.get(key, "" if key is None else str(key))
        out[label] = text_top_terms(texts, n=n, segmenter=segmenter, per_document=True, background=background)
    return out


@dataclass(frozen=True)
class Visibility:
    """Which index rows a reader may see, twice: ``sql`` (alias ``d``) with its ``params`` is exact; ``gate`` is a
    tsquery over the permission lexemes the PostgreSQL match table carries (migration 0004: "#vpub", "#vo<org>",
    "#u<user>", "#r<org>.<role>", "#n<unit>"), true for every row ``sql`` admits and maybe a few more, so that GIN
    drops what the reader cannot see before any row is read. The back-end applies both. Staff readers get no gate
    (""): they read most of their organization, and a gate that removes little costs more than it saves (decision
    0044's measurements)."""

    sql: str
    params: list
    gate: str


def visibility_condition(user) -> tuple[str, list]:
    """SQL (alias ``d``) true for the index rows ``user`` may see: public rows; rows open to the organization, of an
    organization the user belongs to; restricted rows that name the user, one of the user's roles in the row's
    organization, one of the user's (organization, role) pairs or any role in an organization listed with "*", or a
    unit the user serves as officer."""
    seen = visibility(user)
    return seen.sql, seen.params


def visibility(user) -> Visibility:
    """visibility_condition's SQL with the same reader's permission lexemes (Visibility)."""
    parts, params = ["d.visibility = %s"], [SearchDocument.Visibility.PUBLIC]
    gate = ["'#vpub'"]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Visibility(f"({parts[0]})", params, gate[0])
    roles = roles_by_organization(user)
    org_ids = sorted(roles)
    if org_ids:
        marks = ", ".join(["%s"] * len(org_ids))
        parts.append(f"(d.visibility = %s AND d.organization_id IN ({marks}))")
        params += [SearchDocument.Visibility.ORGANIZATION, *org_ids]
        gate += [f"'#vo{int(o)}'" for o in org_ids]
    restricted = ["d.viewer_user_ids LIKE %s"]
    rparams: list = [f"% {int(user.pk)} %"]
    gate.append(f"'#u{int(user.pk)}'")
    tokens: list[str] = []
    for org_id in org_ids:
        held = sorted(roles[org_id])
        likes = " OR ".join(["d.viewer_roles LIKE %s"] * len(held))
        restricted.append(f"(d.organization_id = %s AND ({likes}))")
        rparams += [org_id, *(f"% {r} %" for r in held)]
        tokens += [f"{org_id}:{registry.ANY_ROLE}", *(f"{org_id}:{r}" for r in held)]
        # A row's plain role r reads as "r in the row's organization" (trigger), so one lexeme serves both forms.
        gate += [f"'#r{int(org_id)}.{_lexeme_safe(r)}'" for r in [registry.ANY_ROLE, *held]]
    restricted += ["d.viewer_roles LIKE %s"] * len(tokens)
    rparams += [f"% {t} %" for t in tokens]
    if any(Role.UNIT_OFFICER in held for held in roles.values()):
        units = RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER, handling_unit__isnull=False).values_list(
            "handling_unit_id", flat=True
        )
        for unit_id in sorted(set(units)):
            restricted.append("d.viewer_unit_ids LIKE %s")
            rparams.append(f"% {int(unit_id)} %")
            gate.append(f"'#n{int(unit_id)}'")
    named = " OR ".join(restricted)
    parts.append(f"(d.visibility = %s AND ({named}))")
    params += [SearchDocument.Visibility.RESTRICTED, *rparams]
    return Visibility("(" + " OR ".join(parts) + ")", params, "" if is_staff_person(user) else " | ".join(gate))


def _lexeme_safe(word: str) -> str:
    """A role name inside a quoted tsquery lexeme: role names are identifiers or "*"; anything else is dropped."""
    return "".join(ch for ch in str(word) if ch.isascii() and (ch.isalnum() or ch in "_*"))
