"""Platform defaults from shared/domain.md: the duty kinds, the point rules and the yearly requirements. An
organization overrides any of them with its own rows (the rules and kinds by key)."""

# (key, label, English label, attendance, report section, order)
DEFAULT_KINDS = [
    ("proposal_lead", "领衔提案", "Proposals (lead)", "", "proposals", 10),
    ("proposal_cosign", "联名提案", "Proposals (co-signed)", "", "proposals", 20),
    ("proposal_filed", "提案立案", "Proposals filed", "", "proposals", 30),
    ("proposal_key", "重点提案", "Key proposals", "", "proposals", 40),
    ("proposal_excellent", "优秀提案", "Excellent proposals", "", "proposals", 50),
    ("opinion_report", "报送社情民意信息", "Opinion reports submitted", "", "opinions", 60),
    ("opinion_adopted", "社情民意信息被采用", "Opinion reports adopted", "", "opinions", 70),
    ("instruction", "获领导批示", "Leaders' instructions", "", "opinions", 80),
    ("attendance", "参加会议", "Meetings attended", "present", "meetings", 90),
    ("absence", "无故缺席", "Unexcused absences", "absent", "meetings", 100),
    ("speech", "大会发言", "Speeches", "", "speeches", 110),
    ("inspection", "视察调研", "Inspections and research", "", "activities", 120),
    ("training", "学习培训", "Study and training", "", "activities", 130),
    ("community", "协商议事活动", "Community consultation", "", "activities", 140),
    ("volunteer", "捐赠与志愿服务", "Donations and volunteering", "", "activities", 150),
    ("other", "其他", "Other", "", "other", 900),
]

# (key, kind, label, points, cap per year)
DEFAULT_RULES = [
    ("proposal_lead", "proposal_lead", "领衔提交提案", 10, None),
    ("proposal_cosign", "proposal_cosign", "联名提案", 5, None),
    ("proposal_filed", "proposal_filed", "提案立案", 15, None),
    ("proposal_key", "proposal_key", "重点提案", 5, None),
    ("proposal_excellent", "proposal_excellent", "优秀提案", 10, None),
    ("opinion_report", "opinion_report", "报送社情民意信息", 10, None),
    ("opinion_adopted_own", "opinion_adopted", "社情民意信息被本级采用", 1, None),
    ("opinion_adopted_city", "opinion_adopted", "社情民意信息被市级采用", 3, None),
    ("opinion_adopted_provincial", "opinion_adopted", "社情民意信息被省级采用", 5, None),
    ("opinion_adopted_national", "opinion_adopted", "社情民意信息被全国政协采用", 20, None),
    ("opinion_instruction_own", "instruction", "社情民意信息获本级领导批示", 10, None),
    ("opinion_instruction_city", "instruction", "社情民意信息获市级领导批示", 10, None),
    ("opinion_instruction_provincial", "instruction", "社情民意信息获省级领导批示", 15, None),
    ("opinion_instruction_national", "instruction", "社情民意信息获国家级领导批示", 20, None),
    ("attendance_plenary", "attendance", "出席全体会议", 5, None),
    ("absence_plenary", "absence", "无故缺席全体会议", -30, None),
    ("attendance_meeting", "attendance", "参加协商会议", 2, None),
    ("speech", "speech", "大会发言", 5, None),
    ("inspection", "inspection", "参加视察调研", 2, None),
    ("training", "training", "参加学习培训", 1, None),
    ("community", "community", "参加协商议事活动", 2, None),
    ("volunteer", "volunteer", "捐赠与志愿服务", 2, 10),
]

# English names of the default rules (shown to users who chose English; staff may edit them).
DEFAULT_RULE_LABELS_EN = {
    "proposal_lead": "Lead a proposal",
    "proposal_cosign": "Co-sign a proposal",
    "proposal_filed": "Proposal filed",
    "proposal_key": "Key proposal",
    "proposal_excellent": "Excellent proposal",
    "opinion_report": "Submit an opinion report",
    "opinion_adopted_own": "Opinion report adopted by this conference",
    "opinion_adopted_city": "Opinion report adopted at city level",
    "opinion_adopted_provincial": "Opinion report adopted at provincial level",
    "opinion_adopted_national": "Opinion report adopted by the national conference",
    "opinion_instruction_own": "Instruction by this conference's leaders",
    "opinion_instruction_city": "Instruction by city leaders",
    "opinion_instruction_provincial": "Instruction by provincial leaders",
    "opinion_instruction_national": "Instruction by national leaders",
    "attendance_plenary": "Attend the plenary session",
    "absence_plenary": "Unexcused absence from the plenary session",
    "attendance_meeting": "Attend a consultation meeting",
    "speech": "Speech at the session",
    "inspection": "Inspection or research visit",
    "training": "Study and training",
    "community": "Community consultation",
    "volunteer": "Donations and volunteering",
    "consultation_attendance": "Attend a consultation",
    "consultation_speech": "Speak at a consultation",
    "room_activity": "Community room consultation",
}

# (label, English label, measure, kinds, minimum, standing members only, order)
DEFAULT_REQUIREMENTS = [
    (
        "每年至少领衔或联名提交一件提案",
        "At least one proposal a year (lead or co-signed)",
        "count",
        ["proposal_lead", "proposal_cosign"],
        1,
        False,
        10,
    ),
    ("会议出勤率不低于 80%", "Attendance at meetings at least 80 %", "attendance", [], 80, False, 30),
    (
        "常委每年至少大会发言或协商发言一次",
        "Standing members: at least one speech a year",
        "count",
        ["speech"],
        1,
        True,
        40,
    ),
]
