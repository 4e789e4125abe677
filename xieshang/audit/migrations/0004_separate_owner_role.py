from django.conf import settings
from django.db import migrations


def hand_over(apps, schema_editor):
    """On PostgreSQL, when XIESHANG_AUDIT_OWNER_ROLE and XIESHANG_DB_APP_ROLE are set, give the audit tables to the
    owner role and leave the application's role SELECT and INSERT only (docs/security.md). Test runs, which migrate
    as the postgres superuser without these settings, are left as they are."""
    from xieshang.audit import guard

    owner, app_role = settings.XIESHANG_AUDIT_OWNER_ROLE, settings.XIESHANG_DB_APP_ROLE
    if owner and app_role and schema_editor.connection.vendor == "postgresql":
        guard.apply_ownership(schema_editor.connection, owner, app_role)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_chain_and_archive")]
    operations = [migrations.RunPython(hand_over, migrations.RunPython.noop)]
