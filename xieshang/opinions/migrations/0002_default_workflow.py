"""Install the default report pipeline (editable by administrators afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.opinions.workflows import REPORT_WORKFLOW
    from xieshang.workflow.definitions import install_workflow

    # overwrite=False: re-running never clobbers what an administrator edited.
    install_workflow(REPORT_WORKFLOW, apps=apps, overwrite=False)


class Migration(migrations.Migration):
    dependencies = [("opinions", "0001_initial"), ("workflow", "0002_seed_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
