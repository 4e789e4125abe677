from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "xieshang.workflow"
    label = "workflow"
    verbose_name = _("流程")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import calendar, checks  # noqa: F401 - registers the system check
        from .models import CalendarDay

        def forget_calendar(**kwargs):
            calendar.invalidate()

        # Covers the admin and any other writer; the dispatch uid keeps a reloaded app from connecting twice.
        post_save.connect(forget_calendar, sender=CalendarDay, dispatch_uid="workflow_calendar_saved", weak=False)
        post_delete.connect(forget_calendar, sender=CalendarDay, dispatch_uid="workflow_calendar_deleted", weak=False)
