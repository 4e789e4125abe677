"""Proposal numbers move onto the platform's one locked counter (core.Counter, scope "proposals.<kind>"): the last
number handed out per organization, kind and year is copied over, then the proposals' own counter table goes."""

from django.db import migrations


def to_core(apps, schema_editor):
    NumberCounter = apps.get_model("proposals", "NumberCounter")
    Counter = apps.get_model("core", "Counter")
    for row in NumberCounter.objects.all():
        counter, created = Counter.objects.get_or_create(
            scope=f"proposals.{row.kind}",
            organization_id=row.organization_id,
            year=row.year,
            defaults={"last": row.last},
        )
        if not created and counter.last < row.last:
            counter.last = row.last
            counter.save(update_fields=["last"])


def back(apps, schema_editor):
    NumberCounter = apps.get_model("proposals", "NumberCounter")
    Counter = apps.get_model("core", "Counter")
    for counter in Counter.objects.filter(scope__startswith="proposals."):
        NumberCounter.objects.update_or_create(
            organization_id=counter.organization_id,
            kind=counter.scope.split(".", 1)[1],
            year=counter.year,
            defaults={"last": counter.last},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("proposals", "0006_proposal_comments"),
    ]

    operations = [
        migrations.RunPython(to_core, back),
        migrations.DeleteModel(name="NumberCounter"),
    ]
