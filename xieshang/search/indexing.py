"""The index rows themselves: write one object's row (``index_now``), rebuild a type, re-cut rows after a dictionary
edit. The tasks call these; services schedule the tasks (``index_later``), so this module schedules nothing."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import registry
from .lexicon import SEQ_COUNTER, bump_counter, current_segmenter, dictionary_version, org_counter
from .models import SearchDocument, SearchRemoval
from .tokens import index_text


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
        "viewer_roles": _words_text([*doc.viewer_roles, *(f"{int(o)}:{r}" for o, r in doc.viewer_org_roles)]),
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
