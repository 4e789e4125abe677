"""PostgreSQL: workflow events partitioned by year of `at` (decision 0043); SQLite is left as it is."""

from django.db import migrations


def forward(apps, schema_editor):
    from xieshang.core import partitions

    partitions.convert(schema_editor, "workflow_workflowevent", "at", partitions.YEAR)


def backward(apps, schema_editor):
    from xieshang.core import partitions

    partitions.unconvert(schema_editor, "workflow_workflowevent", "at")


class Migration(migrations.Migration):
    dependencies = [("workflow", "0003_state_tags")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
