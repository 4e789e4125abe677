"""What the opinions domain registers with the faces: workbench sections and menu entries.
Called from OpinionsConfig.ready(); imports only public functions."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from xieshang.core import navigation, workbench

from . import workbench as providers


def _org_perm(perm: str):
    return lambda user, organization: organization is not None and rules.has_perm(perm, user, organization)


def _user_perm(perm: str):
    return lambda user, organization: rules.has_perm(perm, user)


MENU = (
    ("opinions", gettext_lazy("社情民意"), "opinions:mine", _org_perm("opinions.submit_report"), 300),
    ("opinions_desk", gettext_lazy("信息编辑"), "opinions:desk", _org_perm("opinions.manage_report"), 310),
    ("opinions_inbox", gettext_lazy("收到的信息"), "opinions:inbox", _user_perm("opinions.view_inbox"), 320),
    ("opinions_forwards", gettext_lazy("转办信息"), "opinions:forwards", _user_perm("opinions.view_forwards"), 325),
    ("opinions_stats", gettext_lazy("信息统计"), "opinions:stats", _org_perm("opinions.view_statistics"), 330),
)


# What the sections show: reports, their states, the names of recipients and units (core.workbench keeps them).
READS = ("opinions", "workflow", "accounts")


def register() -> None:
    workbench.register(providers.author_section, order=300, reads=READS)
    workbench.register(providers.staff_section, order=310, reads=READS)
    workbench.register(providers.recipient_section, order=320, reads=READS)
    workbench.register(providers.unit_section, order=330, reads=READS)
    for key, label, url_name, visible, order in MENU:
        navigation.register(navigation.NavEntry(key, label, url_name, visible, order))
