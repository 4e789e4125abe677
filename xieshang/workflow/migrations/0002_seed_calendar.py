"""Seed the working-day calendar with every year the installed chinese-calendar package knows."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.workflow.calendar import package_years, seed_from_package

    seed_from_package(package_years(), model=apps.get_model("workflow", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
