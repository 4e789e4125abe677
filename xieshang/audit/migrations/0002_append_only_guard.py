from django.conf import settings
from django.db import migrations


def install(apps, schema_editor):
    from xieshang.audit import guard

    if settings.XIESHANG_AUDIT_DB_GUARD:
        guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    from xieshang.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
