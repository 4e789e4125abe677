"""Seed the platform-default point rules (shared/domain.md); administrators edit or override them later."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.duties.defaults import DEFAULT_RULES

    DutyRule = apps.get_model("duties", "DutyRule")  # noqa: N806
    for key, kind, label, points, cap in DEFAULT_RULES:
        # get_or_create: re-running never clobbers an administrator's edits.
        DutyRule.objects.get_or_create(
            organization=None, key=key, defaults={"kind": kind, "label": label, "points": points, "cap_per_year": cap}
        )


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
