"""The hash chain over audit rows: each row carries the hash of the row before it in its organization's chain.

A row's hash covers its own content and the previous row's hash, so changing, removing or re-ordering a row breaks
every link after it (audit_verify names the first). One chain per organization (rows without an organization form
their own chain), so that writers in different organizations do not wait for each other. The head of a chain is its
last row; writers serialize on it: on PostgreSQL a transaction-scoped advisory lock per chain, on SQLite the
database's single writer lock (the settings open every transaction IMMEDIATE, so the head read and the insert happen
under the same write lock). Someone able to rewrite the whole table can recompute every hash: the anchors (the heads
written to the log and exported by audit_anchor) are what prove a chain unchanged since they were taken.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

GENESIS = "0" * 64
# Arbitrary first key of PostgreSQL's two-key advisory lock: "XA" (Xieshang Audit).
LOCK_CLASS = 0x5841
FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "result",
    "ip_address",
    "detail",
)


def normalize_detail(detail: Any) -> Any:
    """The detail as it reads back from the database (JSON round trip: tuples become lists, keys strings)."""
    return json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))


def _value(entry, name: str) -> Any:
    value = getattr(entry, name)
    if name == "at":
        return value.astimezone(UTC).isoformat()
    if name == "ip_address" and value:
        return entry._meta.get_field("ip_address").get_prep_value(value)
    return value


def row_hash(entry, prev_hash: str) -> str:
    hashed = {name: _value(entry, name) for name in FIELDS}
    hashed["prev"] = prev_hash
    text = json.dumps(hashed, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def lock_chain(connection, organization_id: int | None) -> None:
    """Serialize writers of one chain until the surrounding transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, int(organization_id or 0) % 2**31])


def chain_head(model, organization_id: int | None, using: str) -> str:
    last = (
        model._base_manager.using(using)
        .filter(organization_id=organization_id)
        .order_by("-id")
        .values_list("row_hash", flat=True)
        .first()
    )
    return last or GENESIS


class Break:
    """The first row where a chain does not hold: its id, its organization and why."""

    def __init__(self, entry_id: int, organization_id: int | None, reason: str):
        self.entry_id, self.organization_id, self.reason = entry_id, organization_id, reason

    def __str__(self) -> str:
        return f"row {self.entry_id} (organization {self.organization_id}): {self.reason}"


def verify(
    model, *, anchors: list[dict] | None = None, starts: dict | None = None, using: str = "default"
) -> tuple[int, Break | None]:
    """Walk every chain in id order. Returns (rows checked, the first broken row or None). A row is broken when its
    stored hash is not the hash of its content, when it does not point at the row before it in its chain (a row was
    removed, inserted or moved), or when an anchor taken earlier names a row whose hash is no longer the anchored one
    (or that is gone). `starts` maps an organization to (last archived id, its hash): where its chain continues."""
    starts = starts or {}
    heads: dict[int | None, str] = {org: start[1] for org, start in starts.items()}
    archived_upto = {org: start[0] for org, start in starts.items()}
    anchored = {
        int(a["last_id"]): a
        for a in anchors or []
        if int(a["last_id"]) > archived_upto.get(a.get("organization_id"), 0)
    }
    seen_anchor_ids = set()
    checked = 0
    for entry in model._base_manager.using(using).order_by("id").iterator(chunk_size=2000):
        checked += 1
        expected_prev = heads.get(entry.organization_id, GENESIS)
        if entry.prev_hash != expected_prev:
            return checked, Break(entry.id, entry.organization_id, "does not follow the previous row of its chain")
        if entry.row_hash != row_hash(entry, entry.prev_hash):
            return checked, Break(entry.id, entry.organization_id, "content differs from its hash")
        anchor = anchored.get(entry.id)
        if anchor is not None:
            seen_anchor_ids.add(entry.id)
            if anchor["row_hash"] != entry.row_hash:
                return checked, Break(entry.id, entry.organization_id, "hash differs from the anchor taken earlier")
        heads[entry.organization_id] = entry.row_hash
    for missing in sorted(set(anchored) - seen_anchor_ids):
        return checked, Break(missing, anchored[missing].get("organization_id"), "anchored row is missing")
    return checked, None


def heads(model, using: str = "default") -> list[dict]:
    """The head (last row) of every chain: what an anchor records."""
    from django.db.models import Max

    last_ids = (
        model._base_manager.using(using)
        .values("organization_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    rows = model._base_manager.using(using).filter(id__in=list(last_ids)).order_by("organization_id", "id")
    return [
        {"organization_id": r.organization_id, "last_id": r.id, "row_hash": r.row_hash, "at": r.at.isoformat()}
        for r in rows
    ]
