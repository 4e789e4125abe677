"""Phase tags on the states of the proposal and micro-proposal workflows (the platform's defaults and every
organization's copy, matched by state key): code asks a state what it means (workflow.selectors.state_has /
state_tag), never its key. A state an administrator renamed keeps no tag; the workflow.E001 check then names it.

The tags are frozen here as of this migration; proposals/workflows.py carries the same for new installs."""

from django.db import migrations

TAGS = {
    "proposal": {
        "draft": ["draft"],
        "submitted": ["office"],
        "pre_accepted": ["office"],
        "under_review": ["office", "review"],
        "filed": ["office", "classify"],
        "classified": ["office", "classify"],
        "numbered": ["office", "planning", "to_plan", "assignment_queue"],
        "assignment_pending": ["approval"],
        "assignment_approved": ["office", "planning", "assignment_queue"],
        "assigned": ["unit", "receipt"],
        "returned": ["office", "unit", "returns", "assignment_queue"],
        "handling": ["unit", "handling"],
        "countersigning": ["unit", "countersigning"],
        "supervisor_review": ["supervision"],
        "replied": ["rating"],
        "rehandling": ["unit", "handling", "rehandling"],
        "rated": ["office"],
        "confirmed": ["office"],
        "closed": ["closed"],
        "archived": [],
        "merged": ["dropped"],
        "converted": ["dropped"],
        "not_filed": ["dropped"],
        "withdrawn": ["dropped"],
    },
    "micro_proposal": {
        "draft": ["draft"],
        "submitted": ["office", "review", "planning", "to_plan", "returns"],
        "handling": ["unit", "handling"],
        "replied": ["rating"],
        "closed": ["closed"],
        "not_filed": ["dropped"],
        "withdrawn": ["dropped"],
    },
}


def set_tags(apps, schema_editor):
    from xieshang.workflow.cache import touch

    Workflow = apps.get_model("workflow", "Workflow")
    State = apps.get_model("workflow", "State")
    for workflow in Workflow.objects.filter(key__in=list(TAGS)):
        for state in State.objects.filter(workflow=workflow):
            tags = TAGS[workflow.key].get(state.key)
            if tags and not set(tags) <= set(state.tags or ()):
                # An administrator's own tags are kept; ours come first.
                state.tags = [*tags, *(t for t in state.tags or () if t not in tags)]
                state.save(update_fields=["tags"])
        touch(workflow.pk, model=Workflow)


def clear_tags(apps, schema_editor):
    from xieshang.workflow.cache import touch

    Workflow = apps.get_model("workflow", "Workflow")
    State = apps.get_model("workflow", "State")
    for workflow in Workflow.objects.filter(key__in=list(TAGS)):
        for state in State.objects.filter(workflow=workflow):
            ours = set(TAGS[workflow.key].get(state.key, ()))
            if ours & set(state.tags or ()):
                state.tags = [t for t in state.tags if t not in ours]
                state.save(update_fields=["tags"])
        touch(workflow.pk, model=Workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0007_counter_to_core"),
        ("workflow", "0003_state_tags"),
    ]

    operations = [migrations.RunPython(set_tags, clear_tags)]
