"""Forms of the session pages. The rules are the services'; the forms show a refusal beside its field and keep what
was typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Session, Vote


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal beside the field it names; anything else on top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class PageForm(forms.Form):
    """A form sharing the session's page with others: its ids carry its own prefix, so each label names its field."""

    id_prefix = "f"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=Session.Kind.choices)
    term = forms.IntegerField(label=_("届次"), required=False, help_text=_("如第十四届填 14。"))
    number = forms.IntegerField(label=_("会次"), required=False, help_text=_("如五次会议填 5。"))
    title = forms.CharField(
        label=_("会议名称"), max_length=120, required=False, help_text=_("如：政协第十四届委员会第五次会议。")
    )
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    starts_at = forms.DateTimeField(label=_("开幕时间"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("闭幕时间"), widget=DateTimeInput)
    proposals_from = forms.DateField(label=_("提案征集开始"), required=False, widget=DateInput)
    proposals_until = forms.DateField(
        label=_("提案征集截止"),
        required=False,
        widget=DateInput,
        help_text=_("此期间提交的提案计入本次会议；不征集提案请留空。"),
    )


class AgendaForm(PageForm):
    id_prefix = "agenda"

    title = forms.CharField(label=_("议程"), max_length=200, required=False)
    presenter = forms.CharField(label=_("报告人/主持人"), max_length=80, required=False)
    scheduled_at = forms.DateTimeField(label=_("时间"), required=False, widget=DateTimeInput)


class DocumentForm(PageForm):
    id_prefix = "document"

    title = forms.CharField(label=_("文件名称"), max_length=120, required=False)
    upload = forms.FileField(label=_("文件"), required=False, help_text=_("PDF、Word、Excel、PPT 或图片，20MB 以内。"))


class LeaveForm(PageForm):
    id_prefix = "leave"

    reason = forms.CharField(
        label=_("请假理由"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SpeechForm(PageForm):
    id_prefix = "speech"

    title = forms.CharField(label=_("发言题目"), max_length=120, required=False)
    text = forms.CharField(label=_("发言稿"), required=False, widget=forms.Textarea(attrs={"rows": 8}))


class VoteForm(PageForm):
    id_prefix = "vote"

    kind = forms.ChoiceField(label=_("表决类型"), choices=Vote.Kind.choices)
    method = forms.ChoiceField(label=_("表决方式"), choices=Vote.Method.choices)
    title = forms.CharField(label=_("表决事项"), max_length=200, required=False)
    present = forms.IntegerField(label=_("实到人数"), required=False, min_value=0)
    votes_for = forms.IntegerField(label=_("赞成"), required=False, min_value=0)
    votes_against = forms.IntegerField(label=_("反对"), required=False, min_value=0)
    abstentions = forms.IntegerField(label=_("弃权"), required=False, min_value=0)
    candidates = forms.CharField(
        label=_("候选人得票"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("选举时填写，每行一位：姓名 票数，如“张三 120”。"),
    )

    def clean_candidates(self) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        for number, line in enumerate((self.cleaned_data.get("candidates") or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            name, _sep, votes = line.replace("\u3000", " ").rpartition(" ")
            if not name.strip() or not votes.strip().isdigit():
                raise ValidationError(
                    _("第 %(n)d 行应为“姓名 票数”：%(line)s"), params={"n": number, "line": line}, code="line"
                )
            rows.append((name.strip()[:40], int(votes)))
        return rows
