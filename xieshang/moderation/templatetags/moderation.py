from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, words: list[str]) -> SafeString:
    """The text escaped, with each blocklist word it contains marked (<mark>), case ignored."""
    import re

    escaped = escape(text or "")
    terms = sorted({escape(w) for w in words or [] if w}, key=len, reverse=True)
    if not terms:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308 - escaped above
