"""The party committee approves consultation topics (shared/domain.md), not a conference leader: the installed
consultation workflows' "approve" becomes a record entered by committee staff with the approving body, document
and date; "propose" records the chairs' meeting. Only transitions still as first installed are changed, so an
administrator's own edits stay."""

from django.db import migrations

OLD_APPROVE_ROLES = ["leader"]


def forward(apps, schema_editor):
    from xieshang.consultations.workflows import APPROVE_PAYLOAD, HOST_STAFF, PROPOSE_PAYLOAD, STAFF

    Transition = apps.get_model("workflow", "Transition")  # noqa: N806
    for t in Transition.objects.filter(workflow__key="consultation", key="approve"):
        if list(t.roles) == OLD_APPROVE_ROLES:
            t.name = "登记党委批准"
            t.roles = [STAFF]
            t.conditions = sorted({*(t.conditions or []), "consultations.approval_recorded"})
            t.notify = [HOST_STAFF, "leader"]
            t.payload_schema = APPROVE_PAYLOAD
            t.save()
    for t in Transition.objects.filter(workflow__key="consultation", key="propose"):
        if not t.payload_schema:
            t.name = "登记主席会议提出"
            t.payload_schema = PROPOSE_PAYLOAD
            t.save()
    _touch(apps)


def _touch(apps):
    """Running processes cache definitions by Workflow.updated_at; historical models send no signal to the cache."""
    from xieshang.workflow.cache import touch

    Workflow = apps.get_model("workflow", "Workflow")  # noqa: N806
    for workflow_id in Workflow.objects.filter(key="consultation").values_list("pk", flat=True):
        touch(workflow_id, model=Workflow)


def backward(apps, schema_editor):
    Transition = apps.get_model("workflow", "Transition")  # noqa: N806
    for t in Transition.objects.filter(workflow__key="consultation", key="approve"):
        t.name, t.roles, t.payload_schema, t.notify = "党委批准", ["leader"], {}, ["host_staff"]
        t.conditions = [c for c in t.conditions or [] if c != "consultations.approval_recorded"]
        t.save()
    for t in Transition.objects.filter(workflow__key="consultation", key="propose"):
        t.name, t.payload_schema = "主席会议提出", {}
        t.save()
    _touch(apps)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0003_media_and_approval"), ("workflow", "0002_seed_calendar")]

    operations = [migrations.RunPython(forward, backward)]
