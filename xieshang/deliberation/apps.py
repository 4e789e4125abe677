from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "xieshang.deliberation"
    label = "deliberation"
    verbose_name = _("意见地图")
