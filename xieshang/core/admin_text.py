"""Django admin text Django writes in English whatever the page's language, put into the page's language."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

ICONS = {True: ("yes", _("是")), False: ("no", _("否")), None: ("unknown", _("未知"))}


def boolean_icon(field_val: bool | None) -> SafeString:
    """Django's admin_list._boolean_icon with its text translated (Django writes alt="True" / "False" / "None")."""
    icon, alt = ICONS[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)


def install() -> None:
    # Django's admin imports the function from admin_list at each call (helpers.py, utils.py), so this replaces it.
    from django.contrib.admin.templatetags import admin_list

    admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]
