"""Phase tags on the states of the consultation, outcome and room-topic workflows (the defaults and every
organization's copy, by state key), so that code asks what a state means instead of naming it. Tags already on a
state are kept; a state an administrator added keeps none until they give it some (workflow.E001 says which tags an
active workflow lacks)."""

from django.db import migrations

TAGS = {
    "consultation": {
        "planned": ["preparing", "open"],
        "proposed": ["preparing", "open", "awaiting_approval"],
        "approved": ["preparing", "open", "meeting", "notices", "live_stream"],
        "held": ["open", "meeting", "minutes", "took_place"],
        "reported": ["took_place", "minutes_public"],
        "closed": ["took_place", "minutes_public"],
        "dropped": ["cancelled"],
    },
    "consultation_outcome": {
        "draft": ["draft"],
        "sent": ["with_owner"],
        "instructed": ["with_owner"],
        "adopted": ["implementing"],
        "implementing": ["implementing"],
        "done": ["done", "settled"],
        "not_adopted": ["settled"],
    },
    "room_topic": {
        "raised": ["collecting"],
        "selected": ["conversation"],
        "held": ["conversation", "agreeing"],
        "following": ["following"],
        "done": ["done"],
        "declined": ["declined"],
    },
}


def forward(apps, schema_editor):
    State = apps.get_model("workflow", "State")  # noqa: N806
    for state in State.objects.filter(workflow__key__in=TAGS).select_related("workflow"):
        wanted = TAGS[state.workflow.key].get(state.key)
        if wanted:
            merged = [*(state.tags or []), *(t for t in wanted if t not in (state.tags or []))]
            if merged != (state.tags or []):
                state.tags = merged
                state.save(update_fields=["tags"])
    _touch(apps)


def backward(apps, schema_editor):
    State = apps.get_model("workflow", "State")  # noqa: N806
    for state in State.objects.filter(workflow__key__in=TAGS).select_related("workflow"):
        ours = set(TAGS[state.workflow.key].get(state.key, ()))
        if ours & set(state.tags or ()):
            state.tags = [t for t in state.tags if t not in ours]
            state.save(update_fields=["tags"])
    _touch(apps)


def _touch(apps):
    """Running processes cache definitions by Workflow.updated_at (and tagged states by a shared version);
    historical models send no signal to the cache."""
    from xieshang.workflow.cache import touch

    Workflow = apps.get_model("workflow", "Workflow")  # noqa: N806
    for workflow_id in Workflow.objects.filter(key__in=TAGS).values_list("pk", flat=True):
        touch(workflow_id, model=Workflow)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_milestone_reminders"), ("workflow", "0003_state_tags")]

    operations = [migrations.RunPython(forward, backward)]
