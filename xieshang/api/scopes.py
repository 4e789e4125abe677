"""What a personal access token may do, as data: one area per router the API mounts (xieshang/api/main.py), read
(GET) or write (any other method; write includes read). A token names its scopes ("proposals:read",
"consultations:write"); xieshang.api.auth refuses a request whose area the token does not name (403
insufficient_scope), and an area missing from this table is refused to every token (tests/api/test_tokens.py checks
the table against the routers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

READ, WRITE = "read", "write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Area:
    key: str  # the router's mount point under /api/
    label: str | Promise
    writable: bool  # the area has operations that change something


AREAS: tuple[Area, ...] = (
    Area("accounts", _("本人账户与组织"), writable=False),
    Area("notifications", _("消息通知"), writable=True),
    Area("proposals", _("提案"), writable=True),
    Area("opinions", _("社情民意"), writable=False),
    Area("consultations", _("协商活动与议事室"), writable=True),
    Area("deliberation", _("意见征集"), writable=True),
    Area("search", _("全文检索"), writable=False),
    Area("stats", _("工作报告数据"), writable=False),
)
BY_KEY = {area.key: area for area in AREAS}


def scope(area: str, level: str) -> str:
    return f"{area}:{level}"


def choices() -> list[tuple[str, str]]:
    """Every scope a token may carry, for the form: read for each area, write where the area has writes."""
    out = []
    for area in AREAS:
        out.append((scope(area.key, READ), _("%(area)s：只读") % {"area": area.label}))
        if area.writable:
            out.append((scope(area.key, WRITE), _("%(area)s：读写") % {"area": area.label}))
    return out


def valid(value: str) -> bool:
    area, _sep, level = value.partition(":")
    return area in BY_KEY and (level == READ or (level == WRITE and BY_KEY[area].writable))


def needed(path: str, method: str, prefix: str = "/api/") -> str | None:
    """The scope a request needs: its area (the first segment after /api/) and read or write; None when the path
    names no known area (refused)."""
    if not path.startswith(prefix):
        return None
    area = path[len(prefix) :].split("/", 1)[0]
    if area not in BY_KEY:
        return None
    return scope(area, READ if method.upper() in SAFE_METHODS else WRITE)


def grants(held: list[str] | tuple[str, ...], wanted: str) -> bool:
    """Whether the scopes held cover the scope wanted (write covers read)."""
    area, _sep, level = wanted.partition(":")
    return wanted in held or (level == READ and scope(area, WRITE) in held)


def labels(held: list[str]) -> list[str]:
    names = dict(choices())
    return [str(names.get(s, s)) for s in held]
