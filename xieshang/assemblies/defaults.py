"""The duty rules sessions credit through (issue #13), seeded by migration 0002; an organization overrides the points
with its own rule of the same key (duties app). Points follow shared/domain.md: attending the plenary 5, unexcused
absence from it -30, a speech 5; a standing meeting and a written speech weigh less (our choice, data to edit)."""

# key, duty kind, label, points
DEFAULT_RULES = [
    ("session_attend", "attendance", "出席全体会议", 5),
    ("session_absent", "absence", "无故缺席全体会议", -30),
    ("standing_attend", "attendance", "出席常委会议", 3),
    ("standing_absent", "absence", "无故缺席常委会议", -10),
    ("session_speech_submitted", "speech", "提交大会书面发言", 2),
    ("session_speech_delivered", "speech", "大会口头发言", 5),
]

# Which rule prices attending and absence, by kind of session.
ATTEND_RULE = {"plenary": "session_attend", "standing": "standing_attend"}
ABSENT_RULE = {"plenary": "session_absent", "standing": "standing_absent"}
SPEECH_SUBMITTED_RULE = "session_speech_submitted"
SPEECH_DELIVERED_RULE = "session_speech_delivered"


def install(DutyRule) -> None:  # noqa: N803 - a model class (the historical one in migrations)
    """Create the rules where missing; never overwrite an administrator's edits."""
    for key, kind, label, points in DEFAULT_RULES:
        DutyRule.objects.get_or_create(
            organization=None, key=key, defaults={"kind": kind, "label": label, "points": points}
        )
