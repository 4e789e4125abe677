"""The platform's default activity kinds (issue #13) and the duty rules that price them. An organization edits a
kind by adding its own row with the same key, and its points by overriding the named duty rules (duties app)."""

from django.utils.translation import gettext_noop

# key, name, uses_report, uses_group, uses_donation, uses_volunteer, duty kind, attendance points, leader points
DEFAULT_KINDS = [
    ("inspection", gettext_noop("视察"), False, True, False, False, "inspection", 2, 3),
    ("research", gettext_noop("调研"), True, True, False, False, "inspection", 2, 3),
    ("supervision", gettext_noop("督导"), True, True, False, False, "inspection", 2, 3),
    ("promotion", gettext_noop("现场推进会"), False, False, False, False, "attendance", 1, 2),
    ("training", gettext_noop("学习培训"), False, False, False, False, "training", 1, 2),
    ("reading", gettext_noop("读书活动"), False, False, False, False, "training", 1, 2),
    ("community", gettext_noop("委员进社区"), False, False, False, False, "community", 2, 3),
    ("studio", gettext_noop("委员工作室接待"), False, False, False, False, "community", 2, 3),
    ("sector", gettext_noop("界别活动"), False, False, False, False, "community", 1, 2),
    ("charity", gettext_noop("公益"), False, False, True, True, "volunteer", 2, 3),
    ("task_force", gettext_noop("专班"), True, True, False, False, "inspection", 3, 5),
]

# Kinds whose visits (走访) are recorded, with recommendations tracked as outcomes.
VISIT_KINDS = {"inspection", "research", "supervision"}


def attendance_rule_key(key: str) -> str:
    return f"activity_{key}"


def leader_rule_key(key: str) -> str:
    return f"activity_{key}_lead"


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def install(ActivityKind, DutyRule) -> None:  # noqa: N803 - model classes (historical ones in migrations)
    """Create the default kinds and their duty rules where missing; never overwrite an administrator's edits."""
    for order, (key, name, report, group, donation, volunteer, duty_kind, points, lead_points) in enumerate(
        DEFAULT_KINDS, start=1
    ):
        DutyRule.objects.get_or_create(
            organization=None,
            key=attendance_rule_key(key),
            defaults={"kind": duty_kind, "label": f"参加{name}", "points": points},
        )
        DutyRule.objects.get_or_create(
            organization=None,
            key=leader_rule_key(key),
            defaults={"kind": duty_kind, "label": f"组织或带队{name}", "points": lead_points},
        )
        # Migration 0002's historical model has no uses_visits yet (migration 0005 sets it there).
        extra = {"uses_visits": key in VISIT_KINDS} if _has_field(ActivityKind, "uses_visits") else {}
        ActivityKind.objects.get_or_create(
            organization=None,
            key=key,
            defaults=extra
            | {
                "name": name,
                "order": order * 10,
                "uses_report": report,
                "uses_group": group,
                "uses_donation": donation,
                "uses_volunteer": volunteer,
                "attendance_rule_key": attendance_rule_key(key),
                "leader_rule_key": leader_rule_key(key),
            },
        )
