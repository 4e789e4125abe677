from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Mode, Reason


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"), choices=[("approve", _("通过并公开")), ("reject", _("不予通过"))], widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(label=_("理由"), required=False)
    text = forms.CharField(label=_("补充说明（作者可见）"), max_length=300, required=False)

    def __init__(self, *args, reasons: Iterable[Reason] = (), **kwargs):
        # The reasons read once for the whole page (one form per item), not one query per form.
        super().__init__(*args, **kwargs)
        self._reasons = {str(r.pk): r for r in reasons}
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("- 请选择 -")), *((k, r.label()) for k, r in self._reasons.items())]

    def clean_reason(self) -> Reason | None:
        return self._reasons.get(self.cleaned_data.get("reason") or "")


class BlocklistForm(forms.Form):
    words = forms.CharField(
        label=_("敏感词（每行一个）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("居民写的内容含有这些词时，无论审核方式，都先进入待审核队列。"),
    )


class ModeForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(label=_("审核方式"), choices=Mode.Value.choices)
