"""Seed the duty rules sessions credit through (xieshang/assemblies/defaults.py); only adds rule keys, never edits
the duties app's own rules or an administrator's edits."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.assemblies.defaults import install

    install(apps.get_model("duties", "DutyRule"))


class Migration(migrations.Migration):
    dependencies = [("assemblies", "0001_initial"), ("duties", "0002_default_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
