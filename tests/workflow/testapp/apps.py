"""The template domain (docs/app-shape.md, docs/recipe-new-app.md): tickets that run through the "ticket" workflow,
wired the way every workflow-driven app is."""

from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.workflow.testapp"
    label = "workflow_testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            hooks,
            roles,
            rules,  # noqa: F401 - registers the permissions
            timeline,
            workflows,
        )

        workflows.register()
        roles.register()
        hooks.register()
        timeline.register()
