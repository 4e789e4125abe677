"""What each audit action code means, in the reader's language. The code stays in the data and in exports; the log
page shows its label. Codes other apps build at run time ("<workflow key>.<transition key>") are named by resolvers
they register (workflow registers one that names the transition); a code nobody names shows as it is."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

LABELS = {
    "login.succeeded": _("登录成功"),
    "login.locked": _("登录失败次数过多，账户已锁定"),
    "login.refused_locked": _("账户锁定中，拒绝登录"),
    "logout": _("退出登录"),
    "password.changed": _("修改密码"),
    "account.unlocked": _("解锁账户"),
    "second_factor.enrol_started": _("开始绑定第二因素"),
    "second_factor.enrol_refused": _("第二因素绑定失败"),
    "second_factor.enrolled": _("绑定第二因素"),
    "second_factor.passed": _("第二因素验证通过"),
    "second_factor.failed": _("第二因素验证失败"),
    "security_policy.changed": _("修改安全策略"),
    "role.granted": _("授予角色"),
    "role.changed": _("修改角色授权"),
    "admin.added": _("后台新增"),
    "admin.changed": _("后台修改"),
    "admin.deleted": _("后台删除"),
    "admin.action": _("后台批量操作"),
    "http.refused": _("拒绝访问"),
    "http.refusals_throttled": _("拒绝访问过多，暂停记录"),
    "audit.anchored": _("审计链锚定"),
    "audit.archived": _("审计记录归档"),
    "partitions.run": _("维护数据分区"),
    "retention.run": _("清理超过保存期限的数据"),
    "limits.exceeded": _("超出频率限制"),
    "api_token.created": _("创建接口访问令牌"),
    "api_token.revoked": _("撤销接口访问令牌"),
    "api_token.refused": _("拒绝接口访问令牌"),
    "role.revoked": _("撤销角色"),
    "resident.registered": _("居民注册"),
    "search.add_dictionary_word": _("添加检索词典词条"),
    "search.remove_dictionary_word": _("删除检索词典词条"),
    "workflow.copy": _("复制流程"),
    "workflow.deadline": _("调整期限"),
    "activities.amounts": _("登记捐款与志愿时长"),
    "activities.booking": _("预约委员工作室"),
    "activities.booking_cancel": _("取消预约"),
    "activities.cancel": _("取消活动"),
    "activities.check_in": _("活动签到"),
    "activities.close": _("活动结束"),
    "activities.create": _("创建活动"),
    "activities.decide_leave": _("审批请假"),
    "activities.expert_add": _("添加专家"),
    "activities.group_create": _("创建活动小组"),
    "activities.held": _("活动已举行"),
    "activities.import_attendance": _("导入出勤"),
    "activities.invite": _("邀请参加活动"),
    "activities.issue_record": _("记录问题"),
    "activities.issue_turn": _("问题转办"),
    "activities.output": _("登记活动成果"),
    "activities.publish": _("发布活动"),
    "activities.record_attendance": _("登记出勤"),
    "activities.request_leave": _("请假"),
    "activities.sign_up": _("报名活动"),
    "activities.studio_create": _("创建委员工作室"),
    "activities.visit_record": _("记录走访"),
    "assemblies.agenda_add": _("添加议程"),
    "assemblies.check_in": _("会议签到"),
    "assemblies.close": _("会议结束"),
    "assemblies.create": _("创建会议"),
    "assemblies.decide_leave": _("审批请假"),
    "assemblies.document_add": _("添加会议文件"),
    "assemblies.invite": _("邀请参会"),
    "assemblies.publish": _("发布会议"),
    "assemblies.record_attendance": _("登记出勤"),
    "assemblies.request_leave": _("请假"),
    "assemblies.speech_deliver": _("大会发言"),
    "assemblies.speech_select": _("选定发言"),
    "assemblies.speech_submit": _("提交发言"),
    "assemblies.vote_record": _("记录表决"),
    "consultations.article_create": _("撰写报道"),
    "consultations.article_publish": _("发布报道"),
    "consultations.article_update": _("修改报道"),
    "consultations.check_in": _("协商签到"),
    "consultations.create": _("创建协商活动"),
    "consultations.follow": _("关注协商活动"),
    "consultations.invite": _("邀请参加协商"),
    "consultations.live_post": _("直播发言"),
    "consultations.material_add": _("添加材料"),
    "consultations.minutes_save": _("保存纪要"),
    "consultations.outcome_create": _("登记协商成果"),
    "consultations.outcome_public": _("公开协商成果"),
    "consultations.outcome_rate": _("评价协商成果"),
    "consultations.photo_add": _("添加图片"),
    "consultations.photo_publish": _("发布图片"),
    "consultations.plan_approval": _("协商计划审批"),
    "consultations.progress_add": _("登记落实进展"),
    "consultations.register": _("报名协商"),
    "consultations.room_create": _("创建协商议事室"),
    "consultations.segment_add": _("添加议程环节"),
    "consultations.topic_conversation": _("议题转入意见征集"),
    "consultations.topic_raise": _("提出议题"),
    "consultations.topic_support": _("支持议题"),
    "deliberation.conversation_create": _("创建意见征集"),
    "deliberation.conversation_open": _("开放意见征集"),
    "deliberation.conversation_update": _("修改意见征集"),
    "deliberation.polis_import": _("导入意见征集数据"),
    "deliberation.statement_approve": _("审核观点"),
    "deliberation.statement_submit": _("提交观点"),
    "duties.credit": _("记录履职"),
    "duties.credit_many": _("批量记录履职"),
    "duties.report_draft": _("起草述职报告"),
    "duties.report_save": _("保存述职报告"),
    "duties.report_submit": _("提交述职报告"),
    "duties.rule_update": _("修改履职积分规则"),
    "duties.tiers_update": _("修改履职档次"),
    "opinions.edit": _("编辑社情民意信息"),
    "opinions.from_proposal": _("提案转社情民意信息"),
    "opinions.issue_add": _("编入刊物"),
    "opinions.issue_create": _("创建刊物"),
    "opinions.issue_publish": _("刊发"),
    "opinions.issue_remove": _("移出刊物"),
    "opinions.submit": _("提交社情民意信息"),
    "consultations.notice_sent": _("发送会议通知"),
    "consultations.materials_sent": _("发送会议材料"),
    "proposal.assignment_plan": _("制定交办方案"),
    "proposal.assignment_receive": _("签收交办"),
    "proposal.attachment_add": _("添加附件"),
    "proposal.attachment_remove": _("删除附件"),
    "proposal.cohandler_opinion": _("会办单位意见"),
    "proposal.comment": _("留言"),
    "proposal.cosign_invite": _("邀请联名"),
    "proposal.cosign_sign": _("联名"),
    "proposal.cosign_withdraw": _("撤回联名"),
    "proposal.excellent": _("评为优秀提案"),
    "proposal.fast_track": _("快速办理"),
    "proposal.mark_key": _("列为重点提案"),
    "proposal.rate": _("评价办理结果"),
    "proposal.rehandle_contact": _("重办联系"),
    "proposal.reply_countersign": _("答复会签"),
    "proposal.reply_publish": _("公开答复"),
    "proposal.reply_submit": _("提交答复"),
    "proposal.update": _("修改提案"),
}
# After the workflow key: the workflow's own service actions.
WORKFLOW_ACTIONS = {"start": _("启动流程"), "set_due": _("设定期限"), "extend_deadline": _("延长期限")}

Resolver = Callable[[str], "str | None"]
_resolvers: list[Resolver] = []


def register_resolver(resolver: Resolver) -> None:
    """`resolver(code)` names a code an app builds at run time, or returns None."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def action_label(code: str) -> str:
    if code in LABELS:
        return str(LABELS[code])
    for resolver in _resolvers:
        label = resolver(code)
        if label:
            return label
    return code
