"""Install the default report pipeline (editable by administrators afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.opinions.workflows import REPORT_WORKFLOW
    from xieshang.workflow.definitions import install_workflow

    # The definition as this migration knew it: state tags came later (workflow 0003, set here by opinions 0003).
    definition = {**REPORT_WORKFLOW, "states": [{k: v for k, v in s.items() if k != "tags"} for s in REPORT_WORKFLOW["states"]]}
    # overwrite=False: re-running never clobbers what an administrator edited.
    install_workflow(definition, apps=apps, overwrite=False)


class Migration(migrations.Migration):
    dependencies = [("opinions", "0001_initial"), ("workflow", "0002_seed_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
