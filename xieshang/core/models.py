"""Shapes every domain app shares: append-only rows, per-organization settings with a platform default, and the
locked counter behind every numbered thing (proposals, micro-proposals, opinion reports, bulletin issues …).

The base knows no domain: these are abstract models and one small table keyed by a free-text scope."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import F


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a row of an append-only table."""


class AppendOnlyQuerySet[M: models.Model](models.QuerySet[M]):
    """Refuses bulk changes; AppendOnlyModel refuses single ones. Databases add triggers where it matters (audit)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only.")

    def _raw_delete(self, using: Any) -> None:  # type: ignore[override]
        raise AppendOnlyError(f"{self.model._meta.label} is append-only.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only.")


class AppendOnlyModel(models.Model):
    """A row is written once: saving an existing row or deleting one raises AppendOnlyError. Deletes that cascade
    from a parent row are refused too: core.apps connects a pre_delete receiver for every subclass (which also keeps
    the deletion collector off its fast path), so deleting a user or an organization that append-only rows name
    fails instead of silently removing history."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.label} is append-only.")


class OrganizationSettings(models.Model):
    """Per-organization numbers with the platform's defaults (shared/domain.md: every number is a default the
    organization may change). A subclass declares `organization` (a one-to-one to accounts.Organization) and its
    fields with their defaults; `for_organization(org)` returns the saved row or an unsaved one with the defaults.

    Rows are cached in the shared cache for CACHE_SECONDS; saving or deleting a row clears its entry (the
    post_save/post_delete receivers that core.apps connects for every subclass)."""

    CACHE_SECONDS: ClassVar[int] = 300

    class Meta:
        abstract = True

    @classmethod
    def cache_key(cls, organization_id: Any) -> str:
        return f"orgsettings:{cls._meta.label_lower}:{organization_id}"

    @classmethod
    def for_organization(cls, organization: Any) -> Self:
        org_id = getattr(organization, "pk", organization)
        key = cls.cache_key(org_id)
        found = cache.get(key)
        if found is None:
            found = cls._default_manager.filter(organization_id=org_id).first() or cls(organization_id=org_id)
            cache.set(key, found, cls.CACHE_SECONDS)
        return found  # type: ignore[no-any-return]

    @classmethod
    def forget(cls, organization_id: Any) -> None:
        cache.delete(cls.cache_key(organization_id))


def refuse_append_only_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_delete receiver for every AppendOnlyModel subclass (connected in core.apps)."""
    raise AppendOnlyError(f"{sender._meta.label} is append-only.")


def forget_organization_settings(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save/post_delete receiver for every OrganizationSettings subclass (connected in core.apps): the cached row
    goes now, for this transaction's own reads, and again after commit, for another process that read the old row
    in between."""
    organization_id = instance.organization_id
    sender.forget(organization_id)
    transaction.on_commit(lambda: sender.forget(organization_id))


class Counter(models.Model):
    """The last number handed out in a scope (e.g. "proposals.proposal"), organization and year."""

    scope = models.CharField(max_length=60)
    organization_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField(default=0)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "organization_id", "year"], name="uniq_core_counter"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.organization_id}/{self.year}: {self.last}"


def next_number(scope: str, organization_id: int, year: int = 0, *, start_after: int = 0) -> int:
    """The next number of the scope, under a row lock on its counter: two transactions can never both get the same
    number (the second waits on PostgreSQL; SQLite serializes writers). Call inside the transaction that stores the
    number, so that a rollback gives the number back.

    start_after: where a new counter starts (a scope moved onto this counter from numbers already handed out)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that stores the number")
    rows = Counter.objects.select_for_update().filter(scope=scope, organization_id=organization_id, year=year)
    counter = rows.first()
    if counter is None:
        try:
            with transaction.atomic():
                Counter.objects.create(scope=scope, organization_id=organization_id, year=year, last=start_after)
        except IntegrityError:
            pass  # created by a concurrent numbering; lock it below
        counter = rows.get()
    Counter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


class Submission(models.Model):
    """One creating form post (or API call) that went through: its one-time token, the user who posted it, the path
    it was posted to, and where it landed. core.idempotency inserts the row first, in the transaction that creates
    the object, so a second post with the same token either waits for the first (PostgreSQL) or finds its row and
    lands on the first result; a rejected post rolls the row back with everything else and the token stays usable.

    Plain ids rather than foreign keys, like Counter: the base knows no account model, and the row is a receipt."""

    token = models.CharField(max_length=64)
    user_id = models.BigIntegerField()
    path = models.CharField(max_length=255)
    result = models.CharField(max_length=500, blank=True)
    # The API replays the first answer itself (status and body), and refuses the key for a different request body.
    status = models.PositiveSmallIntegerField(default=302)
    body = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "user_id", "path"], name="uniq_core_submission"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.path} → {self.result or self.status}"


class WorkerHeartbeat(models.Model):
    """A task worker's lease (core.worker): the worker's heartbeat thread writes beat_at every few seconds; a task
    left RUNNING by a worker whose beat is older than the lease goes back to READY (or fails after its attempts)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} {self.host}:{self.pid}"


class RateCounter(models.Model):
    """One fixed-window count of core.limits when no Redis is configured (the local-memory cache is per process, so
    limits kept there would not hold across the web workers). The key names the action, the dimension, the value
    and the window."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
