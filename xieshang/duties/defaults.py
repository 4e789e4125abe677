"""Default point rules from shared/domain.md; an organization overrides any of them with its own row."""

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
