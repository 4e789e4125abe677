"""A test-only domain: tickets that run through the "ticket" workflow, registered the way a real domain would."""

from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.workflow.testapp"
    label = "workflow_testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from xieshang.workflow import registry

        registry.register_relational_role(
            "workflow_testapp.Ticket",
            "submitter",
            lambda user, obj: obj.submitter_id == user.pk,
            label=_("提交人"),
            members=lambda obj: [obj.submitter],
        )
        registry.register_relational_role(
            "workflow_testapp.Ticket",
            "co_handler",
            lambda user, obj: obj.co_handlers.filter(pk=user.pk).exists(),
            label=_("协办人"),
            members=lambda obj: list(obj.co_handlers.all()),
        )

        def all_countersigned(obj, actor, payload):
            missing = obj.co_handlers.exclude(pk__in=obj.signed_by.values("pk")).count()
            if missing:
                return _("还有 %(n)d 个协办人未会签。") % {"n": missing}
            return None

        registry.register_condition("all_countersigned", all_countersigned, label=_("协办人全部会签"))
