"""What the ticket events' payload keys mean on a timeline (workflow.timeline): the reply's grade, as a label."""

from django.utils.translation import gettext_lazy as _

from xieshang.workflow.timeline import register_payload

GRADES = {"A": _("A类"), "B": _("B类"), "C": _("C类")}


def register():
    register_payload("ticket", "grade", label=_("答复类别"), describe=lambda value, event: GRADES.get(value, value))
