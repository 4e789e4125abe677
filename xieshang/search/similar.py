"""Similar documents (duplicate proposals, merge candidates) from in-process SimilarityIndex objects.

One index per (organization, document type), built lazily from the SearchDocument rows and kept in the process.
Every index write bumps the organization's counter to the write's sequence number; a query reads that counter (one
lookup) and, when it moved, applies only the rows and removals with a later sequence number.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection

from xieshang.core import caches

from .lexicon import read_counter
from .models import SearchDocument, SearchRemoval
from .registry import document_types, get_document_type
from .text.similarity import SimilarityIndex

# Past this many changes since the index was built, a fresh fit (new IDF) is cheaper and better than replaying them.
REFIT_AFTER = 5000


@dataclass
class _Entry:
    index: SimilarityIndex
    seq: int
    changes: int = 0


@dataclass
class SimilarDocument:
    doc_type: str
    object_id: int
    title: str
    url: str
    score: float
    # False: a match the user may not read (returned only with include_hidden; title and url are blank).
    visible: bool = True


@dataclass(frozen=True)
class SimilarityPolicy:
    """One threshold policy for every panel that lists similar documents (the member's panel while writing, the
    staff's merge candidates): the same function scores the same pairs, and these numbers decide what is shown.

    Scores are the cosine of character 2-3-gram TF-IDF vectors (search.text.similarity); near-duplicates score above
    0.5, unrelated texts of the same field below 0.15."""

    min_score: float = 0.2  # below this a "similar" document is noise
    near_duplicate: float = 0.5  # from here on it is the same matter: reported even to someone who may not read it
    shown: int = 5  # how many a panel lists


POLICY = SimilarityPolicy()


_lock = threading.Lock()
_cache: dict[tuple[int, str], _Entry] = {}


def _text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def _org_id(organization) -> int:
    return int(getattr(organization, "pk", organization))


def _build(org_id: int, doc_type: str, seq: int) -> _Entry:
    rows = SearchDocument.objects.filter(organization_id=org_id, doc_type=doc_type, seq__lte=seq)
    docs = [(oid, _text(t, b)) for oid, t, b in rows.values_list("object_id", "title", "body").iterator(2000)]
    return _Entry(SimilarityIndex().fit(docs), seq)


def _refresh(org_id: int, doc_type: str, entry: _Entry, seq: int) -> _Entry:
    changed = SearchDocument.objects.filter(
        organization_id=org_id, doc_type=doc_type, seq__gt=entry.seq, seq__lte=seq
    ).values_list("object_id", "title", "body", "seq")
    removed = SearchRemoval.objects.filter(
        organization_id=org_id, doc_type=doc_type, seq__gt=entry.seq, seq__lte=seq
    ).values_list("object_id", "seq")
    events = [(s, oid, _text(t, b)) for oid, t, b, s in changed] + [(s, oid, None) for oid, s in removed]
    if entry.changes + len(events) > REFIT_AFTER:
        return _build(org_id, doc_type, seq)
    for _s, oid, text in sorted(events, key=lambda e: e[0]):
        if text is None:
            entry.index.remove(oid)
        else:
            entry.index.add(oid, text)
    entry.seq, entry.changes = seq, entry.changes + len(events)
    return entry


def index_for(organization, doc_type: str) -> SimilarityIndex:
    from .lexicon import org_counter

    org_id = _org_id(organization)
    seq = read_counter(org_counter(org_id))
    key = (org_id, doc_type)
    entry = _cache.get(key)
    if entry is not None and entry.seq == seq:
        return entry.index
    with _lock:
        entry = _cache.get(key)
        if entry is None:
            entry = _build(org_id, doc_type, seq)
        elif entry.seq != seq:
            entry = _refresh(org_id, doc_type, entry, seq)
        _cache[key] = entry
        return entry.index


def note_indexed(doc_type: str, object_id: int) -> None:
    """After an index write in this process: bring this process's loaded indexes of that type up to date now."""
    for org_id, key_type in list(_cache):
        if key_type == doc_type:
            index_for(org_id, doc_type)


def forget() -> None:
    with _lock:
        _cache.clear()


def similar_documents(
    text: str,
    doc_types: list[str] | None,
    organization,
    k: int = 10,
    *,
    user=None,
    exclude: list[tuple[str, int]] = (),
    min_score: float = 0.0,
    include_hidden: bool = False,
) -> list[SimilarDocument]:
    """The ``k`` indexed documents of ``organization`` most similar to ``text`` (best first). With ``user``, only
    documents that user may see are returned; with ``include_hidden`` too, the others come back as well, marked
    ``visible=False`` and without title or url (so a panel may say that a near-duplicate exists)."""
    from .selectors import visibility_condition

    if not (text or "").strip():
        return []
    keys = doc_types or [t.key for t in document_types() if t.similarity]
    org_id = _org_id(organization)
    scored: list[tuple[float, str, int]] = []
    for key in keys:
        get_document_type(key)
        skip = [oid for t, oid in exclude if t == key]
        for oid, score in index_for(org_id, key).query(text, k=k * 2 if user is not None else k, exclude=skip):
            if score >= min_score:
                scored.append((score, key, oid))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    if not scored:
        return []
    pairs = scored[: k * 2 if user is not None else k]
    rows = {}
    for key in {t for _, t, _ in pairs}:
        ids = [oid for _, t, oid in pairs if t == key]
        qs = SearchDocument.objects.filter(organization_id=org_id, doc_type=key, object_id__in=ids)
        if user is not None:
            where, params = visibility_condition(user)
            visible = _visible_ids(where, params, key, ids)
            qs = qs.filter(object_id__in=visible)
        for oid, title, url in qs.values_list("object_id", "title", "url"):
            rows[(key, oid)] = (title, url)
    out = []
    for score, key, oid in pairs:
        if (key, oid) in rows:
            title, url = rows[(key, oid)]
            out.append(SimilarDocument(key, oid, title, url, round(score, 4)))
        elif include_hidden:
            out.append(SimilarDocument(key, oid, "", "", round(score, 4), visible=False))
    return out[:k]


def _visible_ids(where: str, params: list, doc_type: str, ids: list[int]) -> list[int]:
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT d.object_id FROM search_searchdocument d WHERE {where} "  # noqa: S608 - placeholders only
        f"AND d.doc_type = %s AND d.object_id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, doc_type, *ids])
        return [r[0] for r in cursor.fetchall()]


caches.register("search.similar", forget)
