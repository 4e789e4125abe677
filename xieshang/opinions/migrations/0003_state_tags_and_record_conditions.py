"""State meaning as data: the phase tags of workflows.STATE_TAGS on every installed opinion_report workflow (the
default and each organization's copy, added to any tags an administrator set), and the record-backed conditions of
workflows.RECORD_CONDITIONS in place of the former "opinions.service" on the transitions that carry records."""

from django.db import migrations

OLD_CONDITION = "opinions.service"


def forwards(apps, schema_editor):
    from xieshang.opinions.workflows import RECORD_CONDITIONS, REPORT_WORKFLOW, STATE_TAGS
    from xieshang.workflow.cache import touch

    Workflow = apps.get_model("workflow", "Workflow")  # noqa: N806
    State = apps.get_model("workflow", "State")  # noqa: N806
    Transition = apps.get_model("workflow", "Transition")  # noqa: N806
    for workflow in Workflow.objects.filter(key=REPORT_WORKFLOW["key"]):
        for state in State.objects.filter(workflow=workflow, key__in=list(STATE_TAGS)):
            tags = list(state.tags or [])
            state.tags = tags + [t for t in STATE_TAGS[state.key] if t not in tags]
            state.save(update_fields=["tags"])
        for transition in Transition.objects.filter(workflow=workflow, key__in=list(RECORD_CONDITIONS)):
            conditions = list(transition.conditions or [])
            if OLD_CONDITION in conditions:
                new = RECORD_CONDITIONS[transition.key]
                conditions = [new if c == OLD_CONDITION else c for c in conditions]
                transition.conditions = list(dict.fromkeys(conditions))
                transition.save(update_fields=["conditions"])
        touch(workflow.pk, model=Workflow)


class Migration(migrations.Migration):
    dependencies = [("opinions", "0002_default_workflow"), ("workflow", "0003_state_tags")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
