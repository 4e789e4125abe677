from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Matter, PartyReport, VisitorGroup

DATE = forms.DateInput(attrs={"type": "date"})


class PartyReportForm(forms.Form):
    reported_on = forms.DateField(label=_("报告日期"), widget=DATE)
    subject = forms.CharField(label=_("报告事项"), max_length=200)
    form = forms.ChoiceField(label=_("报告方式"), choices=PartyReport.Form.choices, initial=PartyReport.Form.WRITTEN)
    reported_to = forms.CharField(label=_("报告对象"), max_length=120, initial="中共市委")
    summary = forms.CharField(label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ReplyForm(forms.Form):
    replied_on = forms.DateField(label=_("答复日期"), widget=DATE)
    reply = forms.CharField(label=_("批复或答复"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class MatterForm(forms.Form):
    title = forms.CharField(label=_("事项"), max_length=200)
    done_on = forms.DateField(label=_("办结日期"), widget=DATE)
    source = forms.ChoiceField(label=_("来源"), choices=Matter.Source.choices, initial=Matter.Source.OTHER)
    place = forms.CharField(label=_("地点或社区"), max_length=80, required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class VisitorGroupForm(forms.Form):
    visited_on = forms.DateField(label=_("参观日期"), widget=DATE)
    name = forms.CharField(label=_("来访单位或团组"), max_length=120)
    origin = forms.ChoiceField(label=_("来自"), choices=VisitorGroup.Origin.choices, initial=VisitorGroup.Origin.LOCAL)
    people = forms.IntegerField(label=_("人数"), min_value=1, max_value=10000)
    received_by = forms.CharField(label=_("接待人"), max_length=40, required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
