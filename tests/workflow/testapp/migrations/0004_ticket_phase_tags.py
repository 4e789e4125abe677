"""Phase tags for the "ticket" workflows already installed, organization copies included (a fresh database gets
them from 0002, which installs the current definition). A domain adding tags to a running workflow writes exactly
this migration."""

from django.db import migrations


def tag(apps, schema_editor):
    from tests.workflow.testapp.workflows import TICKET_WORKFLOW
    from xieshang.workflow.definitions import tag_states

    tag_states("ticket", {s["key"]: s.get("tags", []) for s in TICKET_WORKFLOW["states"]}, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow_testapp", "0003_related_rows_notes_settings"),
        ("workflow", "0003_state_tags"),
    ]

    operations = [migrations.RunPython(tag, migrations.RunPython.noop)]
