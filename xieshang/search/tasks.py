"""Background work of the search app, on the "search" queue. Failures retry with a growing delay."""

from django.core.cache import cache
from django.tasks import task

from xieshang.core.tasks import schedule_retry


@task(queue_name="search")
def index_object(doc_type: str, object_id: int, attempt: int = 1) -> None:
    from .indexing import index_now
    from .similar import note_indexed

    try:
        index_now(doc_type, object_id)
    except LookupError:
        return  # the type was unregistered since the write: nothing to index, nothing to retry
    except Exception:
        schedule_retry(index_object, attempt, doc_type, object_id)
        raise
    note_indexed(doc_type, object_id)


@task(queue_name="search")
def resegment_containing(word: str, attempt: int = 1) -> None:
    from .indexing import resegment_containing as run

    try:
        run(word)
    except Exception:
        schedule_retry(resegment_containing, attempt, word)
        raise


RETRAIN_PENDING = "xieshang:routing-retrain-pending:{}"
RETRAIN_PENDING_SECONDS = 3600  # a lost task (worker killed) lets the next assignment queue another after an hour


def retrain_once(organization_id: int) -> bool:
    """Queue the organization's retraining unless one is queued already; True when this call queued it."""
    if not cache.add(RETRAIN_PENDING.format(organization_id), 1, RETRAIN_PENDING_SECONDS):
        return False
    retrain_routing.enqueue(organization_id)
    return True


def retrain_pending(organization_id: int) -> bool:
    return cache.get(RETRAIN_PENDING.format(organization_id)) is not None


@task(queue_name="search")
def retrain_routing(organization_id: int, attempt: int = 1) -> None:
    from .routing_store import train_routing_model

    try:
        train_routing_model(organization_id)
    except Exception:
        if not schedule_retry(retrain_routing, attempt, organization_id, max_attempts=3):
            cache.delete(RETRAIN_PENDING.format(organization_id))
        raise
    cache.delete(RETRAIN_PENDING.format(organization_id))


@task(queue_name="search")
def compute_top_terms(organization_id: int, period, by, n: int, doc_types: list, attempt: int = 1) -> None:
    from .keyword_cache import compute

    try:
        compute(organization_id, period, by, n, doc_types)
    except Exception:
        schedule_retry(compute_top_terms, attempt, organization_id, period, by, n, doc_types, max_attempts=3)
        raise
