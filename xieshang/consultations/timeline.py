"""What the payload keys of consultation, outcome and room-topic events mean on a timeline (workflow.timeline):
the chairs' meeting that proposed the plan, the approving body, document and date, a leader's instruction
(workflows.py's payload schemas; hooks.py keeps them on the rows too)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xieshang.workflow.timeline import a_date, register_payload, text


def register() -> None:
    register_payload("consultation", "meeting", label=_("主席会议"), describe=text)
    register_payload("consultation", "body", label=_("批准机关"), describe=text)
    register_payload("consultation", "document", label=_("批准文件文号"), describe=text)
    register_payload("consultation", "approved_on", label=_("批准日期"), describe=a_date)
    register_payload("consultation_outcome", "instruction", label=_("批示内容"), describe=text)
