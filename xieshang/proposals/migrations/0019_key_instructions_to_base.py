"""Decision 0034: the key proposals' instructions (KeyInstruction) move into the base's one table of instructions,
keeping their ids (the audit trail's "key_instruction" entries name them); the next migration drops the old table.
Backwards: the rows attached to a proposal go back, with the same ids."""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = ("leader_id", "leader_name", "leader_title", "text", "instructed_on", "recorded_by_id", "created_at")


def _reset_sequence(schema_editor, model):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _proposal_type(apps, db):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.db_manager(db).get_or_create(app_label="proposals", model="proposal")[0]


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    KeyInstruction = apps.get_model("proposals", "KeyInstruction")
    Instruction = apps.get_model("instructions", "Instruction")
    old = list(KeyInstruction.objects.using(db).order_by("pk"))
    if not old:
        return
    proposal_type = _proposal_type(apps, db)
    Instruction.objects.using(db).bulk_create(
        [
            Instruction(
                pk=row.pk,
                content_type_id=proposal_type.pk,
                object_id=row.proposal_id,
                level="",
                **{f: getattr(row, f) for f in FIELDS},
            )
            for row in old
        ],
        batch_size=1000,
    )
    _reset_sequence(schema_editor, Instruction)


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    KeyInstruction = apps.get_model("proposals", "KeyInstruction")
    Instruction = apps.get_model("instructions", "Instruction")
    proposal_type = _proposal_type(apps, db)
    rows = Instruction.objects.using(db).filter(content_type_id=proposal_type.pk).order_by("pk")
    KeyInstruction.objects.using(db).bulk_create(
        [KeyInstruction(pk=i.pk, proposal_id=i.object_id, **{f: getattr(i, f) for f in FIELDS}) for i in rows],
        batch_size=1000,
    )
    _reset_sequence(schema_editor, KeyInstruction)
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("instructions", "0001_initial"),
        ("proposals", "0018_unit_reports"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
