from django import template

from xieshang.accounts.models import Role

register = template.Library()


@register.filter
def role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value


@register.filter
def mask_phone(value: str) -> str:
    """138****5678: contact data in anything published is masked (shared/domain.md, privacy)."""
    value = str(value or "")
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)
