from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "xieshang.workflow"
    label = "workflow"
    verbose_name = _("流程")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import cache, calendar, checks, timeline  # noqa: F401 - checks registers the system check
        from .models import CalendarDay, State, Transition

        timeline.register()
        from xieshang.core import partitions

        # Workflow events (decision 0043): yearly partitions on PostgreSQL, kept as long as their records (no
        # retention unless XIESHANG_RETENTION_DAYS["workflow_events"] is set).
        partitions.register(
            partitions.Table(
                model="workflow.WorkflowEvent",
                column="at",
                interval=partitions.YEAR,
                days=lambda: settings.XIESHANG_RETENTION_DAYS.get("workflow_events"),
                key="workflow_events",
            )
        )

        from . import personal_data

        personal_data.register_sources()
        from xieshang.audit.actions import register_resolver

        from .selectors import audit_action_label

        register_resolver(audit_action_label)

        def forget_calendar(**kwargs: Any) -> None:
            calendar.invalidate()

        # Covers the admin and any other writer; the dispatch uid keeps a reloaded app from connecting twice.
        post_save.connect(forget_calendar, sender=CalendarDay, dispatch_uid="workflow_calendar_saved", weak=False)
        post_delete.connect(forget_calendar, sender=CalendarDay, dispatch_uid="workflow_calendar_deleted", weak=False)

        # Any change of a state, a transition or its sources moves the workflow's updated_at, which invalidates the
        # cached definition in every process (cache.py).
        for model in (State, Transition):
            name = model._meta.model_name
            post_save.connect(cache.definition_changed, sender=model, dispatch_uid=f"workflow_{name}_saved", weak=False)
            post_delete.connect(
                cache.definition_changed, sender=model, dispatch_uid=f"workflow_{name}_deleted", weak=False
            )
        m2m_changed.connect(
            cache.definition_changed,
            sender=Transition.sources.through,
            dispatch_uid="workflow_transition_sources_changed",
            weak=False,
        )
