from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def follow_button(context: template.Context, obj: object) -> str:
    """The follow / stop-following button of a followable object's public page (notifications.follows); a visitor
    who is not signed in gets a link to sign in first."""
    from xieshang.notifications.views import follow_button_context

    request = context.get("request")
    if request is None or obj is None:
        return ""
    data = follow_button_context(request, obj)
    if not data["follow_kind"]:
        return ""
    return render_to_string("notifications/_follow_button.html", data, request=request)
