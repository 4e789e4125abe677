"""How a timeline reads an event's payload: each domain registers, per workflow, a label and a describer for every
payload key its transitions write (in its timeline.py, called from AppConfig.ready); the timeline shows
"label: readable value" (names, labels, links), never a raw id, boolean or repr.

    registry:  register_payload("proposal", "category", label=_("类别"), describe=category_name)
    reading:   payload_items(event) -> [(label, safe html), ...]

describe(value, event) returns text (escaped here) or SafeString (e.g. a link built with format_html), or None to
leave the key out (urgent: False says nothing). A key nobody registered falls back to the label of the transition's
payload_schema (else the key) and an escaped, readable value: yes/no, lists joined, never a repr."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ANY = "*"  # keys the engine itself writes, on every workflow

Describe = Callable[[Any, Any], "str | SafeString | None"]


@dataclass(frozen=True)
class PayloadKey:
    label: Any  # a lazy translation
    describe: Describe | None = None


_keys: dict[tuple[str, str], PayloadKey] = {}


def register_payload(workflow_key: str, key: str, *, label: Any, describe: Describe | None = None) -> None:
    """What payload `key` of `workflow_key` events means (workflow_key ANY: every workflow)."""
    _keys[(workflow_key, key)] = PayloadKey(label=label, describe=describe)


def registered(workflow_key: str, key: str) -> PayloadKey | None:
    return _keys.get((workflow_key, key)) or _keys.get((ANY, key))


def plain(value: Any) -> str | None:
    """A readable form of any JSON value: yes/no, dates, lists joined; None for nothing to show."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, list):
        parts = [p for p in (plain(v) for v in value) if p]
        return "、".join(parts) or None
    if isinstance(value, dict):
        parts = [f"{k}：{p}" for k, v in value.items() if (p := plain(v))]
        return "；".join(parts) or None
    return str(value)


def a_date(value: Any, event: Any = None) -> str | None:
    try:
        return date_format(datetime.date.fromisoformat(str(value).strip()), "DATE_FORMAT")
    except ValueError:
        return plain(value)


def text(value: Any, event: Any = None) -> str | None:
    return plain(value)


def _schema_label(event: Any, key: str) -> str:
    transition = event.transition if getattr(event, "transition_id", None) else None
    fields = ((transition.payload_schema or {}).get("fields", {})) if transition is not None else {}
    label = (fields.get(key) or {}).get("label")
    return gettext(label) if label else key


def _workflow_key(event: Any) -> str:
    workflow = getattr(event, "workflow", None)
    return getattr(workflow, "key", "") or ""


def payload_items(event: Any) -> list[tuple[SafeString, SafeString]]:
    """(label, html) pairs of the event's payload, both escaped, in the payload's order (workflow/_timeline.html)."""
    items: list[tuple[SafeString, SafeString]] = []
    workflow_key = _workflow_key(event)
    for key, value in (event.payload or {}).items():
        entry = registered(workflow_key, str(key))
        if entry is not None:
            shown = entry.describe(value, event) if entry.describe else plain(value)
            label = str(entry.label)
        else:
            shown, label = plain(value), _schema_label(event, str(key))
        if shown is None or shown == "":
            continue
        items.append((conditional_escape(label), conditional_escape(shown)))
    return items


def link(url: str, label: Any) -> SafeString:
    return format_html('<a href="{}">{}</a>', url, label)


def register() -> None:
    """The keys the engine writes itself: a deadline change (services.set_due) and an escalation (reminders)."""
    register_payload(ANY, "from_due", label=_("原期限"), describe=a_date)
    register_payload(ANY, "to_due", label=_("新期限"), describe=a_date)
    register_payload(ANY, "days", label=_("延长"), describe=_working_days)
    register_payload(ANY, "months", label=_("延长"), describe=_months)
    register_payload(ANY, "due_on", label=_("应办结日期"), describe=a_date)
    register_payload(ANY, "working_days_late", label=_("已超期"), describe=_working_days)


def _working_days(value: Any, event: Any) -> str | None:
    return gettext("%(days)s 个工作日") % {"days": value} if value else None


def _months(value: Any, event: Any) -> str | None:
    return gettext("%(months)s 个月") % {"months": value} if value else None
