from django.db import migrations


def install(apps, schema_editor):
    from tests.workflow.testapp.workflows import TICKET_WORKFLOW
    from xieshang.workflow.definitions import install_workflow

    install_workflow(TICKET_WORKFLOW, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("workflow_testapp", "0001_initial"), ("workflow", "0002_seed_calendar")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
