"""The outcome workflow's `send` (报送责任方) may also be taken by the staff of the record the outcome comes from
(the relational role `origin_staff`, consultations.origins): a proposal reply's promise is sent to the replying
unit by the supervisor who approved the reply. Every installed copy gains the role; workflows.py has it for new
installs."""

from django.db import migrations

ROLE = "origin_staff"


def add_role(apps, schema_editor):
    Transition = apps.get_model("workflow", "Transition")
    for transition in Transition.objects.filter(workflow__key="consultation_outcome", key="send"):
        if ROLE not in (transition.roles or []):
            transition.roles = [*(transition.roles or []), ROLE]
            transition.save(update_fields=["roles"])


def remove_role(apps, schema_editor):
    Transition = apps.get_model("workflow", "Transition")
    for transition in Transition.objects.filter(workflow__key="consultation_outcome", key="send"):
        if ROLE in (transition.roles or []):
            transition.roles = [r for r in transition.roles if r != ROLE]
            transition.save(update_fields=["roles"])


class Migration(migrations.Migration):
    dependencies = [("consultations", "0009_outcome_promises"), ("workflow", "0003_state_tags")]
    operations = [migrations.RunPython(add_role, remove_role)]
