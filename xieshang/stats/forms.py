from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import Period


class PeriodForm(forms.Form):
    """A year, or a span of dates (both given): the report's period."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    start = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("按日期统计时请同时填写开始日期和结束日期。"))
        if start and end and start > end:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data

    def period(self) -> Period:
        if not self.is_bound or not self.is_valid():
            return Period.current()
        data = self.cleaned_data
        if data.get("start"):
            return Period(data["start"], data["end"])
        return Period.year(data.get("year") or timezone.localdate().year)


def period_query(period: Period) -> str:
    if period.is_year:
        return f"year={period.start.year}"
    return f"start={period.start.isoformat()}&end={period.end.isoformat()}"


__all__ = ["PeriodForm", "period_query"]
