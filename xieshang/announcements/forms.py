from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.accounts.models import Sector, SpecialCommittee

from . import selectors
from .models import Announcement

ANY = pgettext_lazy("audience", "不限")


class AnnouncementForm(forms.Form):
    # Not required here: the service says what is missing together with the audience's errors, in one answer.
    title = forms.CharField(label=_("标题"), required=False)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    audience = forms.ChoiceField(
        label=_("发送对象"), choices=Announcement.Audience.choices, initial=Announcement.Audience.MEMBERS
    )
    committee = forms.ModelChoiceField(
        label=_("专委会"), queryset=SpecialCommittee.objects.none(), required=False, empty_label=ANY
    )
    sector = forms.ModelChoiceField(label=_("界别"), queryset=Sector.objects.none(), required=False, empty_label=ANY)
    district = forms.ChoiceField(label=_("区县"), required=False)
    room = forms.ModelChoiceField(label=_("协商议事室"), queryset=None, required=False, empty_label=ANY)
    urgent = forms.BooleanField(
        label=_("紧急"), required=False, help_text=_("紧急通知无论接收人的设置如何，都同时发送短信。")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        from xieshang.consultations.selectors import rooms_for

        fields = self.fields
        fields["committee"].queryset = SpecialCommittee.objects.filter(organization=organization)  # type: ignore[attr-defined]
        fields["sector"].queryset = Sector.objects.filter(organization=organization)  # type: ignore[attr-defined]
        fields["room"].queryset = rooms_for(organization)  # type: ignore[attr-defined]
        fields["district"].choices = [("", ANY)] + [  # type: ignore[attr-defined]
            (name, name) for name in selectors.district_choices(organization)
        ]
        fields["committee"].help_text = _("仅用于发给委员的通知。")
        fields["sector"].help_text = _("仅用于发给委员的通知。")
        fields["district"].help_text = _("委员按所在区县，群众按所在社区的区县。")
        fields["room"].help_text = _("关注该议事室的人和所在社区的群众。")

    @staticmethod
    def initial_from(announcement: Announcement) -> dict:
        return {
            "title": announcement.title,
            "body": announcement.body,
            "audience": announcement.audience,
            "committee": announcement.committee_id,
            "sector": announcement.sector_id,
            "district": announcement.district,
            "room": announcement.room_id,
            "urgent": announcement.urgent,
        }
