"""Seed the platform-default activity kinds and the duty rules that price them (xieshang/activities/defaults.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.activities.defaults import install

    install(apps.get_model("activities", "ActivityKind"), apps.get_model("duties", "DutyRule"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial"), ("duties", "0002_default_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
