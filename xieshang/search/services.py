"""Writes of the search app (the index follows every domain write) and the search itself.

Domains call ``index_later(obj)`` inside their service transactions; the task ``index_object`` runs after commit and
asks the registered type for the object's SearchDoc. ``search(user, query, filters, page)`` is what the page and the
API call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role, RoleGrant
from xieshang.accounts.selectors import roles_by_organization

from . import registry
from .backends import get_backend
from .backends.base import RANK_WINDOW
from .dictionary import bump_counter, current_segmenter, dictionary_version
from .highlight import highlight, snippet
from .models import DictionaryWord, SearchDocument, SearchRemoval
from .text.segment import _FTS_KEYWORDS, normalize
from .tokens import index_text

logger = logging.getLogger(__name__)

SEQ_COUNTER = "seq"
MAX_QUERY_CHARS = 200
PAGE_SIZE = 20
MAX_TERMS = 12


def org_counter(organization_id: int) -> str:
    return f"org:{organization_id}"


# --- indexing


class _Batch:
    """The index tasks of one transaction's commit: each (type, id) is enqueued once, however often it was written
    (a proposal's transition saves it several times; the demo's year in one transaction, thousands of times)."""

    __slots__ = ("done", "started")

    def __init__(self):
        self.started = False
        self.done: set[tuple[str, int]] = set()

    def enqueue_once(self, doc_type: str, object_id) -> None:
        from .tasks import index_object

        self.started = True
        if (doc_type, object_id) not in self.done:
            self.done.add((doc_type, object_id))
            index_object.enqueue(doc_type, object_id)


def _batch() -> _Batch | None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    batch = getattr(connection, "_search_index_batch", None)
    if batch is None or batch.started:  # a new transaction after the last one's commit hooks ran
        batch = _Batch()
        connection._search_index_batch = batch
    return batch


def index_later(obj, doc_type: str | None = None) -> None:
    """Re-index ``obj`` after the current transaction commits (or now, outside one). Call it after every write of a
    registered object, including deletion (the task then finds the object gone and drops it from the index).

    The task reads the object when it runs, so one task per object and commit is enough: repeated calls in one
    transaction enqueue it once. The check happens when the commit hooks run, so calls made in a savepoint that was
    rolled back (whose hooks Django drops) never hide a surviving one."""
    from .tasks import index_object

    keys = [doc_type] if doc_type else [t.key for t in registry.types_for_model(type(obj))]
    batch = _batch()
    for key in keys:
        if batch is None:
            transaction.on_commit(lambda k=key, pk=obj.pk: index_object.enqueue(k, pk))
        else:
            transaction.on_commit(lambda b=batch, k=key, pk=obj.pk: b.enqueue_once(k, pk))


def _ids_text(ids) -> str:
    values = sorted({int(i) for i in ids if i is not None})
    return f" {' '.join(map(str, values))} " if values else ""


def _words_text(words) -> str:
    values = sorted({str(w) for w in words if w})
    return f" {' '.join(values)} " if values else ""


def _row_values(doc: registry.SearchDoc, segmenter, version: int) -> dict:
    title = (doc.title or "")[:300]
    return {
        "organization_id": doc.organization_id,
        "title": title,
        "body": doc.body or "",
        "seg_title": index_text(segmenter, title),
        "seg_body": index_text(segmenter, doc.body or ""),
        "year": doc.year,
        "state": (doc.state or "")[:40],
        "category": (doc.category or "")[:40],
        "unit_ids": _ids_text(doc.unit_ids),
        "sector_id": doc.sector_id,
        "url": (doc.url or "")[:300],
        "doc_date": doc.doc_date,
        "visibility": doc.visibility,
        "viewer_user_ids": _ids_text(doc.viewer_user_ids),
        "viewer_roles": _words_text(doc.viewer_roles),
        "viewer_unit_ids": _ids_text(doc.viewer_unit_ids),
        "dictionary_version": version,
        "indexed_at": timezone.now(),
    }


def index_now(doc_type: str, object_id: int) -> SearchDocument | None:
    """Bring the index row of one object up to date; returns the row, or None when the object is not searchable."""
    dtype = registry.get_document_type(doc_type)
    obj = dtype.objects().filter(pk=object_id).first()
    doc = dtype.to_document(obj) if obj is not None else None
    version = dictionary_version()
    with transaction.atomic():
        if doc is None:
            old = SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id).first()
            if old is not None:
                old.delete()
                _record_removal(old.organization_id, doc_type, object_id)
            return None
        values = _row_values(doc, current_segmenter(version), version)
        old_org = (
            SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id)
            .values_list("organization_id", flat=True)
            .first()
        )
        if old_org is not None and old_org != doc.organization_id:
            _record_removal(old_org, doc_type, object_id)
        values["seq"] = bump_counter(SEQ_COUNTER)
        row, _ = SearchDocument.objects.update_or_create(doc_type=doc_type, object_id=object_id, defaults=values)
        bump_counter(org_counter(doc.organization_id), to=values["seq"])
    return row


def _record_removal(organization_id: int, doc_type: str, object_id: int) -> None:
    seq = bump_counter(SEQ_COUNTER)
    SearchRemoval.objects.create(organization_id=organization_id, doc_type=doc_type, object_id=object_id, seq=seq)
    bump_counter(org_counter(organization_id), to=seq)


def rebuild(doc_type: str | None = None, *, batch_size: int = 500, progress=None) -> int:
    """Re-index every object of one type (or all types) and drop rows whose objects are gone. Returns the count."""
    types = [registry.get_document_type(doc_type)] if doc_type else registry.document_types()
    total = 0
    for dtype in types:
        seen: set[int] = set()
        pks = list(dtype.objects().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            for pk in pks[start : start + batch_size]:
                if index_now(dtype.key, pk) is not None:
                    seen.add(pk)
                    total += 1
            if progress:
                progress(dtype.key, min(start + batch_size, len(pks)), len(pks))
        stale = SearchDocument.objects.filter(doc_type=dtype.key).exclude(object_id__in=seen)
        for org_id, object_id in stale.values_list("organization_id", "object_id"):
            with transaction.atomic():
                SearchDocument.objects.filter(doc_type=dtype.key, object_id=object_id).delete()
                _record_removal(org_id, dtype.key, object_id)
    return total


def resegment_containing(word: str, *, batch_size: int = 500) -> int:
    """Re-cut the indexed text of documents that contain ``word`` with the current dictionary, so that a word added
    or removed applies to old documents too. The stored original text suffices: no domain object is read."""
    version = dictionary_version()
    segmenter = current_segmenter(version)
    qs = SearchDocument.objects.filter(Q(title__contains=word) | Q(body__contains=word)).order_by("pk")
    done = 0
    for row in qs.only("id", "title", "body").iterator(chunk_size=batch_size):
        SearchDocument.objects.filter(pk=row.pk).update(
            seg_title=index_text(segmenter, row.title),
            seg_body=index_text(segmenter, row.body),
            dictionary_version=version,
        )
        done += 1
    return done


# --- searching


@dataclass
class Hit:
    doc_type: str
    type_label: str
    object_id: int
    title_html: SafeString
    snippet_html: SafeString
    url: str
    score: float
    year: int | None = None
    state: str = ""


@dataclass
class Suggestion:
    query: str
    count: int
    reason: str


@dataclass
class Results:
    query: str
    terms: list[str] = field(default_factory=list)
    total: int = 0
    capped: bool = False  # total is a lower bound: more than RANK_WINDOW documents matched
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    page_size: int = PAGE_SIZE
    suggestions: list[Suggestion] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.page_size + 1

    @property
    def num_pages(self) -> int:
        return max(1, -(-min(self.total, RANK_WINDOW) // self.page_size))


def visibility_condition(user) -> tuple[str, list]:
    """SQL (alias ``d``) true for the index rows ``user`` may see: public rows; rows of an organization the user
    belongs to that are open to the organization or name the user, one of the user's roles there, or a unit the user
    serves as officer."""
    roles = roles_by_organization(user)
    parts, params = ["d.visibility = %s"], [SearchDocument.Visibility.PUBLIC]
    if not roles:
        return f"({parts[0]})", params
    org_ids = sorted(roles)
    marks = ", ".join(["%s"] * len(org_ids))
    restricted = ["d.viewer_user_ids LIKE %s"]
    rparams: list = [f"% {int(user.pk)} %"]
    for org_id in org_ids:
        held = sorted(roles[org_id])
        likes = " OR ".join(["d.viewer_roles LIKE %s"] * len(held))
        restricted.append(f"(d.organization_id = %s AND ({likes}))")
        rparams += [org_id, *(f"% {r} %" for r in held)]
    if any(Role.UNIT_OFFICER in held for held in roles.values()):
        units = RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER, handling_unit__isnull=False).values_list(
            "handling_unit_id", flat=True
        )
        for unit_id in sorted(set(units)):
            restricted.append("d.viewer_unit_ids LIKE %s")
            rparams.append(f"% {int(unit_id)} %")
    named = " OR ".join(restricted)
    parts.append(f"(d.organization_id IN ({marks}) AND (d.visibility = %s OR (d.visibility = %s AND ({named}))))")
    params += [
        *org_ids,
        SearchDocument.Visibility.ORGANIZATION,
        SearchDocument.Visibility.RESTRICTED,
        *rparams,
    ]
    return "(" + " OR ".join(parts) + ")", params


def filter_condition(filters: dict | None) -> tuple[str, list]:
    """SQL for the page's filters; only registered types are ever searched."""
    filters = filters or {}
    registered = [t.key for t in registry.document_types()]
    wanted = filters.get("type") or filters.get("types")
    if isinstance(wanted, str):
        wanted = [wanted]
    keys = [k for k in (wanted or registered) if k in registered]
    if not keys:
        return "1 = 0", []
    parts = [f"d.doc_type IN ({', '.join(['%s'] * len(keys))})"]
    params: list = list(keys)
    if filters.get("year"):
        parts.append("d.year = %s")
        params.append(int(filters["year"]))
    if filters.get("state"):
        parts.append("d.state = %s")
        params.append(str(filters["state"]))
    if filters.get("unit"):
        parts.append("d.unit_ids LIKE %s")
        params.append(f"% {int(getattr(filters['unit'], 'pk', filters['unit']))} %")
    if filters.get("sector"):
        parts.append("d.sector_id = %s")
        params.append(int(getattr(filters["sector"], "pk", filters["sector"])))
    if filters.get("organization"):
        parts.append("d.organization_id = %s")
        params.append(int(getattr(filters["organization"], "pk", filters["organization"])))
    return " AND ".join(parts), params


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """(terms, notes for the reader) of a raw query; never raises."""
    notes: list[str] = []
    query = query or ""
    if len(query) > MAX_QUERY_CHARS:
        notes.append(_("检索词过长，只按前 %(n)d 个字检索。") % {"n": MAX_QUERY_CHARS})
        query = query[:MAX_QUERY_CHARS]
    segmenter = current_segmenter()
    terms = segmenter.to_query_terms(query, max_terms=MAX_TERMS)
    raw_words = set(normalize(query).replace('"', " ").split())
    if any(ch in query for ch in '"*():^') or raw_words & _FTS_KEYWORDS or " -" in f" {query}":
        notes.append(_("检索不支持引号、括号、AND/OR/NOT 等语法，已按普通词语检索。"))
    if len(segmenter.to_query_terms(query, max_terms=MAX_TERMS + 1)) > MAX_TERMS:
        notes.append(_("检索词较多，只使用前 %(n)d 个词。") % {"n": MAX_TERMS})
    return terms, notes


def search(user, query: str, filters: dict | None = None, page: int = 1, page_size: int = PAGE_SIZE) -> Results:
    """Documents ``user`` may see that contain every word of ``query``, best first, with highlighted snippets."""
    results = Results(query=query or "", page=max(1, int(page or 1)), page_size=page_size)
    if not (query or "").strip():
        results.error = _("请输入检索词。")
        return results
    terms, notes = query_terms(query)
    results.terms, results.messages = terms, notes
    if not terms:
        results.error = _("检索词中没有可检索的文字，请输入汉字、字母或数字。")
        return results
    max_page = max(1, RANK_WINDOW // page_size)
    results.page = min(results.page, max_page)
    where, params = _where(user, filters)
    backend = get_backend()
    ranked = backend.search(terms, where, params, offset=(results.page - 1) * page_size, limit=page_size)
    results.total, results.capped = ranked.total, ranked.capped
    results.hits = _hits(user, ranked.hits, terms)
    if results.total == 0:
        results.suggestions = suggestions(user, terms, filters, where=where, params=params)
    return results


def _where(user, filters) -> tuple[str, list]:
    vis, vparams = visibility_condition(user)
    flt, fparams = filter_condition(filters)
    return f"{vis} AND {flt}", [*vparams, *fparams]


def _hits(user, ranked: list[tuple[int, float]], terms: list[str]) -> list[Hit]:
    if not ranked:
        return []
    rows = SearchDocument.objects.only(
        "id", "doc_type", "object_id", "organization_id", "title", "body", "url", "year", "state", "visibility"
    ).in_bulk([pk for pk, _ in ranked])
    hits = []
    for pk, score in ranked:
        row = rows.get(pk)
        if row is None:
            continue
        try:
            dtype = registry.get_document_type(row.doc_type)
        except LookupError:
            continue
        if dtype.can_view is not None and not dtype.can_view(user, row):
            continue
        hits.append(
            Hit(
                doc_type=row.doc_type,
                type_label=str(dtype.label),
                object_id=row.object_id,
                title_html=highlight(row.title, terms),
                snippet_html=snippet(row.body, terms),
                url=row.url,
                score=round(score, 6),
                year=row.year,
                state=row.state,
            )
        )
    return hits


def suggestions(user, terms: list[str], filters=None, *, where=None, params=None, limit: int = 5) -> list[Suggestion]:
    """For an empty result: the query without one of its words (when that finds something), then dictionary words
    that share characters with the query."""
    out: list[Suggestion] = []
    if where is None:
        where, params = _where(user, filters)
    backend = get_backend()
    if 2 <= len(terms) <= 6:
        for i, dropped in enumerate(terms):
            rest = terms[:i] + terms[i + 1 :]
            n = backend.count(rest, where, params)
            if n:
                out.append(Suggestion("".join(rest), n, _("去掉“%(word)s”") % {"word": dropped}))
        out.sort(key=lambda s: -s.count)
    chars = sorted({ch for t in terms for ch in t if not ch.isascii()})[:8]
    if chars and len(out) < limit:
        org_ids = sorted(roles_by_organization(user))
        cond = Q()
        for ch in chars:
            cond |= Q(word__contains=ch)
        candidates = (
            DictionaryWord.objects.filter(Q(organization_id__in=org_ids) | Q(organization__isnull=True))
            .filter(cond)
            .exclude(word__in=terms)
            .values_list("word", flat=True)[:200]
        )
        joined = "".join(terms)
        ranked = sorted(set(candidates), key=lambda w: (-sum(ch in joined for ch in set(w)), len(w), w))
        for word in ranked[: limit - len(out)]:
            out.append(Suggestion(word, 0, _("词典中的相近词")))
    return out[:limit]
