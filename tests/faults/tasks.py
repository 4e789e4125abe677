"""A task that notifies, as the daily reminder tasks do: run twice (its worker died after the commit and before the
task was marked done), it must notify once. It names its event with notify(key=…)."""

from django.tasks import task


@task(queue_name="notifications")
def announce(user_id: int, event: str) -> None:
    from xieshang.accounts.models import User
    from xieshang.notifications.services import notify

    notify(
        recipients=[User.objects.get(pk=user_id)],
        kind="faults",
        title=f"通知 {event}",
        body="故障测试",
        force_sms=True,
        key=f"faults:{event}",
    )
