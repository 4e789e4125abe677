"""Decision 0034: the opinion reports' instructions move into the base's one table of instructions. They take new ids
(the key proposals' instructions moved first and kept theirs), and the duty entries that credit an instruction
(duties.DutyEntry.source) follow them to the new table and id; the next migration drops the old table.
Backwards: the rows attached to a report go back (keeping the ids they have in the base table), and so do the duty
entries."""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = ("leader_id", "leader_name", "leader_title", "level", "text", "instructed_on", "recorded_by_id", "created_at")


def _reset_sequence(schema_editor, model):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _types(apps, db):
    ContentType = apps.get_model("contenttypes", "ContentType")
    manager = ContentType.objects.db_manager(db)
    report = manager.get_or_create(app_label="opinions", model="report")[0]
    old = manager.get_or_create(app_label="opinions", model="instruction")[0]
    new = manager.get_or_create(app_label="instructions", model="instruction")[0]
    return report, old, new


def _repoint(apps, db, moves, from_type, to_type):
    """Each duty entry crediting an instruction follows it: (from_type, old id) → (to_type, new id)."""
    DutyEntry = apps.get_model("duties", "DutyEntry")
    entries = DutyEntry.objects.using(db).filter(content_type_id=from_type.pk)
    for old_id, new_id in moves:
        entries.filter(object_id=old_id).update(content_type_id=to_type.pk, object_id=new_id)


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Old = apps.get_model("opinions", "Instruction")
    Instruction = apps.get_model("instructions", "Instruction")
    old = list(Old.objects.using(db).order_by("pk"))
    if not old:
        return
    report_type, old_type, new_type = _types(apps, db)
    moves = []
    for row in old:  # one at a time: the new id of each is needed, on every database
        new = Instruction.objects.using(db).create(
            content_type_id=report_type.pk, object_id=row.report_id, **{f: getattr(row, f) for f in FIELDS}
        )
        moves.append((row.pk, new.pk))
    _repoint(apps, db, moves, old_type, new_type)


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Old = apps.get_model("opinions", "Instruction")
    Instruction = apps.get_model("instructions", "Instruction")
    report_type, old_type, new_type = _types(apps, db)
    rows = Instruction.objects.using(db).filter(content_type_id=report_type.pk).order_by("pk")
    Old.objects.using(db).bulk_create(
        [Old(pk=i.pk, report_id=i.object_id, **{f: getattr(i, f) for f in FIELDS}) for i in rows], batch_size=1000
    )
    _reset_sequence(schema_editor, Old)
    _repoint(apps, db, [(i.pk, i.pk) for i in rows], new_type, old_type)
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("duties", "0005_yearly_tallies"),
        ("instructions", "0001_initial"),
        ("opinions", "0003_state_tags_and_record_conditions"),
        # The key proposals' instructions keep their ids; these take new ones after them.
        ("proposals", "0019_key_instructions_to_base"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
