from django import template
from django.utils.html import format_html

from xieshang.core import idempotency, privacy, workbench

register = template.Library()


@register.filter
def role_label(value: str) -> str:
    """The role's name as accounts registered it (core.workbench.register_roles); the key itself otherwise."""
    return workbench.role_label(value)


@register.filter
def mask_phone(value: str) -> str:
    """138****5678: contact data in anything published is masked (shared/domain.md, privacy)."""
    return privacy.mask_phone(value)


@register.filter
def mask_personal_data(value: str) -> str:
    """Phone numbers, e-mail addresses and identity-card numbers inside a published text, masked."""
    return privacy.mask_personal_data(value)


@register.simple_tag(takes_context=True)
def submission_token(context: template.Context) -> str:
    """The one-time token of a creating form (core.idempotency): a new one, or the one a rejected post carried; in a
    part kept in the cache (core.fragments), a slot that each request fills with a new token."""
    if context.get("fragment_slots"):
        from xieshang.core.fragments import SUBMISSION_SLOT

        token = SUBMISSION_SLOT
    else:
        token = idempotency.token_for(context.get("request"))
    return format_html('<input type="hidden" name="{}" value="{}">', idempotency.FIELD, token)
