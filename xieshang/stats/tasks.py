"""Background work of the statistics face: the open-data files, rebuilt by a task (retried with a growing delay)."""

from django.tasks import task

from xieshang.core.tasks import schedule_retry


@task()
def rebuild_open_data(organization_id: int, year: int, attempt: int = 1) -> None:
    from xieshang.accounts.models import Organization

    from .opendata import rebuild

    try:
        rebuild(Organization.objects.get(pk=organization_id), year)
    except Organization.DoesNotExist:
        return
    except Exception:
        schedule_retry(rebuild_open_data, attempt, organization_id, year)
        raise
