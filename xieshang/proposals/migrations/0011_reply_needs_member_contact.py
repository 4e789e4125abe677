"""办理协商 as a required step: the `reply` transition of the proposal workflow (the platform's default and every
organization's copy) gains the condition `proposals.member_contacted`. An organization that does not want it removes
the condition from its copy of the workflow; micro-proposals are left as they are. proposals/workflows/proposal.py
carries the same for new installs."""

from django.db import migrations

CONDITION = "proposals.member_contacted"


def add_condition(apps, schema_editor):
    Transition = apps.get_model("workflow", "Transition")
    for transition in Transition.objects.filter(workflow__key="proposal", key="reply"):
        if CONDITION not in (transition.conditions or []):
            transition.conditions = [*(transition.conditions or []), CONDITION]
            transition.save(update_fields=["conditions"])


def remove_condition(apps, schema_editor):
    Transition = apps.get_model("workflow", "Transition")
    for transition in Transition.objects.filter(workflow__key="proposal", key="reply"):
        if CONDITION in (transition.conditions or []):
            transition.conditions = [c for c in transition.conditions if c != CONDITION]
            transition.save(update_fields=["conditions"])


class Migration(migrations.Migration):
    dependencies = [("proposals", "0010_handling_contact"), ("workflow", "0003_state_tags")]
    operations = [migrations.RunPython(add_condition, remove_condition)]
