"""Background work of the search app, on the "search" queue. Failures retry with a growing delay."""

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


@task(queue_name="search")
def retrain_routing(organization_id: int, attempt: int = 1) -> None:
    from .routing_store import train_routing_model

    try:
        train_routing_model(organization_id)
    except Exception:
        schedule_retry(retrain_routing, attempt, organization_id, max_attempts=3)
        raise
