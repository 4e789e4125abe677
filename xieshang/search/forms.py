from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kept import filter_choices
from .models import DictionaryWord
from .registry import document_types


class SearchForm(forms.Form):
    # Longer input is accepted and cut by the service with a note, rather than refused with a bare error.
    q = forms.CharField(label=_("检索词"), required=False, max_length=10_000, strip=True)
    type = forms.ChoiceField(label=_("类型"), required=False)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("状态"), required=False)
    unit = forms.TypedChoiceField(label=_("承办单位"), required=False, coerce=int, empty_value=None)
    sector = forms.TypedChoiceField(label=_("界别"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off", "enterkeyhint": "search"})
        types = document_types()
        self.fields["type"].choices = [("", _("全部"))] + [(t.key, t.label) for t in types]
        # Types share state keys with different names (closed: 未采用 for a report, 办结 for a consultation): show all.
        states: dict[str, list[str]] = {}
        for t in types:
            for value, label in t.states:
                names = states.setdefault(value, [])
                if str(label) not in names:
                    names.append(str(label))
        self.fields["state"].choices = [("", _("全部"))] + [(k, "／".join(v)) for k, v in states.items()]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("全部"))] + [(y, str(y)) for y in range(this_year, this_year - 15, -1)]
        units, sectors = filter_choices(getattr(organization, "pk", None))
        self.fields["unit"].choices = [("", _("全部")), *units]
        self.fields["sector"].choices = [("", _("全部")), *sectors]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {k: data.get(k) for k in ("type", "year", "state", "unit", "sector") if data.get(k)}


class DictionaryWordForm(forms.ModelForm):
    class Meta:
        model = DictionaryWord
        fields = ["word", "kind", "frequency"]

    def clean_word(self):
        word = "".join(self.cleaned_data["word"].split())
        if len(word) < 2:
            raise forms.ValidationError(_("词语至少两个字。"))
        if not all(ch.isalnum() for ch in word):
            raise forms.ValidationError(_("词语只能包含汉字、字母和数字。"))
        return word
