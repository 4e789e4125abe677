"""Install the default proposal and micro-proposal workflows, categories and not-filed grounds (editable later)."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.proposals.workflows import DEFAULT_CATEGORIES, DEFAULT_NOT_FILED_GROUNDS, WORKFLOWS
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        # The states' phase tags arrive with migration 0008 (State.tags does not exist yet at this point).
        states = [{k: v for k, v in s.items() if k != "tags"} for s in definition["states"]]
        # overwrite=False: re-running never clobbers what an administrator edited.
        install_workflow({**definition, "states": states}, apps=apps, overwrite=False)
    Category = apps.get_model("proposals", "Category")
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(organization=None, code=code, defaults={"name": name, "order": order * 10})
    Ground = apps.get_model("proposals", "NotFiledGround")
    for order, text in enumerate(DEFAULT_NOT_FILED_GROUNDS):
        Ground.objects.get_or_create(organization=None, text=text, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial"), ("workflow", "0002_seed_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
