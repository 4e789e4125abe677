"""PostgreSQL: the audit table partitioned by month of `at` (decision 0043); SQLite is left as it is. The guard's
triggers, the owner role's ownership and the app role's grants move with the table (core.partitions.convert)."""

from django.db import migrations


def forward(apps, schema_editor):
    from xieshang.core import partitions

    partitions.convert(schema_editor, "audit_auditentry", "at", partitions.MONTH)


def backward(apps, schema_editor):
    from xieshang.core import partitions

    partitions.unconvert(schema_editor, "audit_auditentry", "at")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_separate_owner_role")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
