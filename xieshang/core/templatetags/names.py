"""`{{ state.name|named }}`: a name kept in a row, in the page's language (core.names). A template builtin."""

from django import template

from xieshang.core.names import named as _named

register = template.Library()


@register.filter
def named(value: object) -> object:
    return _named(value)
