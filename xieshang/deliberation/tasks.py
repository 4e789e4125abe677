"""The opinion map is recomputed here, in the "maps" queue, never inside a request."""

from django.tasks import task

from xieshang.core.tasks import schedule_retry


@task(queue_name="maps")
def recompute_opinion_map(conversation_id: int, attempt: int = 1) -> None:
    from .maps import map_compute
    from .models import OpinionMap

    try:
        map_compute(conversation_id)
    except Exception as exc:
        OpinionMap.objects.filter(conversation_id=conversation_id).update(error=str(exc)[:2000])
        schedule_retry(recompute_opinion_map, attempt, conversation_id)
        raise
