"""Writes of the search app (the index follows every domain write) and the search itself.

Domains call ``index_later(obj)`` inside their service transactions; the task ``index_object`` runs after commit and
asks the registered type for the object's SearchDoc. ``search(user, query, filters, page)`` is what the page and the
API call.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from . import registry
from .backends import get_backend
from .backends.base import PAGE_COLUMNS, RANK_WINDOW
from .highlight import highlight, snippet
from .indexing import index_now, rebuild  # noqa: F401  (re-exported: commands and callers of services)
from .lexicon import current_segmenter
from .models import SearchDocument
from .selectors import visibility
from .tasks import index_object
from .text.related import related_words
from .text.segment import _FTS_KEYWORDS, load_stopwords, normalize

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
PAGE_SIZE = 20
MAX_TERMS = 12


# --- indexing


def index_later(obj, doc_type: str | None = None) -> None:
    """Re-index ``obj`` after the current transaction commits (or now, outside one). Call it after every write of a
    registered object, including deletion (the task then finds the object gone and drops it from the index).

    However often one object is named in a transaction (a service, a workflow hook and several signals may all name
    it), its index task is enqueued once, when the transaction commits."""
    keys = [doc_type] if doc_type else [t.key for t in registry.types_for_model(type(obj))]
    if obj.pk is None or not keys:
        return
    index_keys_later((key, obj.pk) for key in keys)


_pending: dict[str, dict[tuple[str, int], None]] = {}
_pending_lock = threading.Lock()


def index_keys_later(keys, using: str | None = None) -> None:
    """Collect (doc_type, object_id) pairs; the first on_commit callback of the transaction enqueues each pair once.

    Every call registers a callback (cheap) and the callbacks share the pending pairs: the first to run drains them,
    the rest find nothing. So a pair named again after a rolled-back savepoint (whose callbacks Django dropped) is
    still indexed, and pairs left over from a rolled-back transaction go with the next commit: indexing reads the
    committed state, so a left-over pair costs a task, never a wrong row."""
    conn = transaction.get_connection(using)
    slot = f"{conn.alias}:{threading.get_ident()}"
    added = False
    with _pending_lock:
        pending = _pending.setdefault(slot, {})
        for doc_type, object_id in keys:
            pending[(str(doc_type), int(object_id))] = None
            added = True
    if added:
        transaction.on_commit(lambda: _flush(slot), using=conn.alias)


def _flush(slot: str) -> None:
    with _pending_lock:
        pending = _pending.pop(slot, {})
    for doc_type, object_id in pending:
        index_object.enqueue(doc_type, object_id)


def forget_pending() -> None:
    """Drop pairs collected by transactions that never committed (tests: each test's transaction rolls back)."""
    with _pending_lock:
        _pending.clear()


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
    place: registry.HitPlace | None = None


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


def filter_gate(filters: dict | None) -> str:
    """The page's filters as a tsquery over the match table's filter lexemes (search migration 0004: "#t<type>",
    "#y<year>", "#o<organization>", "#e<sector>", "#k<unit>"), "" without a filter: with it, GIN keeps to the
    filtered rows, where the newest blocks may hold none of them (a type, a past year, one district)."""
    filters = filters or {}
    parts = []
    wanted = filters.get("type") or filters.get("types")
    if wanted:
        keys = [_lexeme(k) for k in ([wanted] if isinstance(wanted, str) else wanted)]
        parts.append("(" + " | ".join(f"'#t{k}'" for k in keys) + ")" if keys else "")
    for name, mark in (("year", "y"), ("organization", "o"), ("sector", "e"), ("unit", "k")):
        if filters.get(name):
            parts.append(f"'#{mark}{int(getattr(filters[name], 'pk', filters[name]))}'")
    return " & ".join(p for p in parts if p)


def _lexeme(word: str) -> str:
    return "".join(ch for ch in str(word) if ch.isascii() and (ch.isalnum() or ch == "_"))


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
    where, params, gate = _where(user, filters)
    backend = get_backend()
    ranked = backend.search(terms, where, params, offset=(results.page - 1) * page_size, limit=page_size, gate=gate)
    results.total, results.capped = ranked.total, ranked.capped
    results.hits = _hits(user, ranked.hits, terms, ranked.docs)
    if results.total == 0:
        results.suggestions = suggestions(user, terms, filters, where=where, params=params, gate=gate)
    return results


def _where(user, filters) -> tuple[str, list, str]:
    """The reader's visibility and the filters as SQL on alias ``d`` with its parameters, and the reader's permission
    gate (selectors.Visibility) for the back-ends that can use it."""
    seen = visibility(user)
    flt, fparams = filter_condition(filters)
    gate = " & ".join(f"({g})" for g in (seen.gate, filter_gate(filters)) if g)
    return f"{seen.sql} AND {flt}", [*seen.params, *fparams], gate


def _hits(user, ranked: list[tuple[int, float]], terms: list[str], docs: dict[int, dict] | None = None) -> list[Hit]:
    if not ranked:
        return []
    if docs is not None:  # the back-end fetched the page's rows with the ranking
        rows = {pk: SearchDocument(id=pk, **values) for pk, values in docs.items()}
    else:
        rows = SearchDocument.objects.only("id", *PAGE_COLUMNS).in_bulk([pk for pk, _ in ranked])
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
    _add_places(hits)
    return hits


def _add_places(hits: list[Hit]) -> None:
    """Each hit's place (a room topic's room), one lookup per document type on the page."""
    by_type: dict[str, list[Hit]] = {}
    for hit in hits:
        by_type.setdefault(hit.doc_type, []).append(hit)
    for key, group in by_type.items():
        lookup = registry.get_document_type(key).places
        if lookup is None:
            continue
        places = lookup([hit.object_id for hit in group])
        for hit in group:
            hit.place = places.get(hit.object_id)


def suggestions(
    user, terms: list[str], filters=None, *, where=None, params=None, gate: str = "", limit: int = 5
) -> list[Suggestion]:
    """For an empty result: the query without one of its words (when that finds something), then related words: real
    words that occur with the query's words in documents the user may see (``text.related``)."""
    out: list[Suggestion] = []
    if where is None:
        where, params, gate = _where(user, filters)
    backend = get_backend()
    if 2 <= len(terms) <= 6:
        for i, dropped in enumerate(terms):
            rest = terms[:i] + terms[i + 1 :]
            n = backend.count(rest, where, params, gate=gate)
            if n:
                out.append(Suggestion("".join(rest), n, _("去掉“%(word)s”") % {"word": dropped}))
        out.sort(key=lambda s: -s.count)
    if len(out) < limit:
        for word in related_words_for(terms, where, params, limit=limit - len(out)):
            out.append(Suggestion(word, 0, _("词典中的相近词")))
    return out[:limit]


# How many documents the related-word sample reads: those holding a query word first, then others for the IDF.
RELATED_SAMPLE = 400


def related_words_for(terms: list[str], where: str, params: list, *, limit: int = 5) -> list[str]:
    """Related words of the query ``terms`` from the segmented text of documents matching ``where`` (the user's
    visibility and filters): words that co-occur with a query word, never pieces of it (text.related)."""
    if not terms:
        return []
    likes = " OR ".join(["(' ' || d.seg_title || ' ' || d.seg_body || ' ') LIKE %s"] * len(terms))
    base = f"SELECT d.seg_title, d.seg_body FROM search_searchdocument d WHERE {where}"  # noqa: S608 - placeholders
    with connection.cursor() as cursor:
        cursor.execute(f"{base} AND ({likes}) LIMIT %s", [*params, *(f"% {t} %" for t in terms), RELATED_SAMPLE])
        rows = cursor.fetchall()
        cursor.execute(f"{base} LIMIT %s", [*params, RELATED_SAMPLE])
        rows += cursor.fetchall()
    segmenter = current_segmenter()
    documents = [f"{title} {body}".split() for title, body in rows]
    return related_words(terms, documents, stopwords=load_stopwords(), is_word=segmenter.is_word, limit=limit)
