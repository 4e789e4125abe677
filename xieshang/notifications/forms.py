from django import forms
from django.utils.translation import gettext_lazy as _


class ChannelForm(forms.Form):
    email = forms.BooleanField(label=_("同时发送邮件"), required=False)
    sms = forms.BooleanField(label=_("同时发送短信"), required=False)
