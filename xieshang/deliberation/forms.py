from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Conversation


class ConversationForm(forms.ModelForm):
    seed_statements = forms.CharField(
        label=_("预设观点"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一条，发布后立即显示，供参与者先行表态。"),
    )

    class Meta:
        model = Conversation
        fields = [
            "title",
            "description",
            "moderation",
            "allow_anonymous",
            "participants_can_submit",
            "statement_max_length",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, with_seeds=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_seeds:
            del self.fields["seed_statements"]
        self.fields["statement_max_length"].min_value = 20
        self.fields["statement_max_length"].widget.attrs.update(min=20, max=1000)

    def clean_statement_max_length(self):
        value = self.cleaned_data["statement_max_length"]
        if not 20 <= value <= 1000:
            raise forms.ValidationError(_("请填写 20 到 1000 之间的数字。"))
        return value

    def clean_seed_statements(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data.get("seed_statements", "").splitlines()]
        lines = [line for line in lines if line]
        limit = self.cleaned_data.get("statement_max_length") or 140
        too_long = [i + 1 for i, line in enumerate(lines) if len(line) > max(limit, 1000)]
        if too_long:
            raise forms.ValidationError(_("第 %(lines)s 行过长。") % {"lines": "、".join(map(str, too_long))})
        return lines


class StatementForm(forms.Form):
    text = forms.CharField(label=_("我的观点"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, max_length=140, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.max_length = max_length
        field.widget.attrs["maxlength"] = max_length
        field.help_text = _("一句话表达一个观点，最多 %(n)d 字。其他人会对它表态：赞同、反对或跳过。") % {
            "n": max_length
        }
        field.validators.append(forms.CharField(max_length=max_length).validators[-1])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class PolisImportForm(forms.Form):
    title = forms.CharField(
        label=_("主题"), max_length=200, required=False, help_text=_("留空则使用 summary.csv 中的主题。")
    )
    files = MultipleFileField(
        label=_("Polis 导出文件"),
        help_text=_(
            "选择 comments.csv、votes.csv（或 participants-votes.csv）、summary.csv，可多选，"
            "也可上传包含这些文件的 zip；Polis 接口导出的 comments.json、votes.json 也可以。"
        ),
    )

    def __init__(self, *args, with_title=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = ".csv,.json,.zip"
        if not with_title:
            del self.fields["title"]
