"""The platform's default inspection, research and supervision kinds record visits (an organization's own rows are
left as their administrator set them)."""

from django.db import migrations


def mark(apps, schema_editor):
    from xieshang.activities.defaults import VISIT_KINDS

    apps.get_model("activities", "ActivityKind").objects.filter(organization=None, key__in=VISIT_KINDS).update(
        uses_visits=True
    )


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_groups_visits_studios")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
