"""Seed the duty kinds and yearly requirements (defaults.py), the default rules' English names, and link the entries
written before versions existed to the rule row that priced them."""

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.duties.defaults import DEFAULT_KINDS, DEFAULT_REQUIREMENTS, DEFAULT_RULE_LABELS_EN

    DutyKind = apps.get_model("duties", "DutyKind")  # noqa: N806
    DutyRule = apps.get_model("duties", "DutyRule")  # noqa: N806
    DutyRequirement = apps.get_model("duties", "DutyRequirement")  # noqa: N806
    DutyEntry = apps.get_model("duties", "DutyEntry")  # noqa: N806
    for key, label, label_en, attendance, section, order in DEFAULT_KINDS:
        DutyKind.objects.get_or_create(
            organization=None,
            key=key,
            defaults={"label": label, "label_en": label_en, "attendance": attendance, "section": section,
                      "order": order},
        )
    if not DutyRequirement.objects.filter(organization__isnull=True).exists():
        for label, label_en, measure, kinds, minimum, standing_only, order in DEFAULT_REQUIREMENTS:
            DutyRequirement.objects.create(
                organization=None, label=label, label_en=label_en, measure=measure, kinds=kinds, minimum=minimum,
                standing_only=standing_only, order=order,
            )
    for key, label_en in DEFAULT_RULE_LABELS_EN.items():
        DutyRule.objects.filter(organization__isnull=True, key=key, label_en="").update(label_en=label_en)
    # Until now one row per (organization, key): an entry's rule is its organization's row, else the default.
    for rule in DutyRule.objects.filter(organization__isnull=False):
        DutyEntry.objects.filter(organization_id=rule.organization_id, rule_key=rule.key, rule__isnull=True).update(
            rule=rule
        )
    for rule in DutyRule.objects.filter(organization__isnull=True):
        DutyEntry.objects.filter(rule_key=rule.key, rule__isnull=True).update(rule=rule)


class Migration(migrations.Migration):
    dependencies = [("duties", "0003_kinds_versions_requirements_reports")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
