"""Install the default workflows (consultation, outcome, room topic) and this app's duty rules."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.consultations.workflows import DUTY_RULES, WORKFLOWS
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        # State.tags came later (workflow 0003): the states' phase tags are set by 0007_state_tags.
        states = [{k: v for k, v in state.items() if k != "tags"} for state in definition["states"]]
        # overwrite=False: re-running never clobbers what an administrator edited.
        install_workflow({**definition, "states": states}, apps=apps, overwrite=False)
    DutyRule = apps.get_model("duties", "DutyRule")  # noqa: N806
    for key, kind, label, points in DUTY_RULES:
        DutyRule.objects.get_or_create(
            organization=None, key=key, defaults={"kind": kind, "label": label, "points": points}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("workflow", "0002_seed_calendar"),
        ("duties", "0002_default_rules"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
