"""What the API stores about a person, for the PIPL download and erasure (core.personal_data): his personal access
tokens (never their secrets, which are not stored). Erasure deletes them; their creation and revocation stay in the
audit trail."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import AccessToken


def _tokens(user: Any) -> list[Row]:
    return [
        {
            "name": t.name,
            "prefix": t.prefix,
            "scopes": ", ".join(t.scopes),
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "last_used_ip": t.last_used_ip,
            "revoked_at": t.revoked_at,
        }
        for t in AccessToken.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _erase_tokens(user: Any, erased: Erased) -> int:
    return AccessToken.objects.filter(user=user).delete()[0]


def register_sources() -> None:
    register(
        Source(
            key="api_tokens",
            title=gettext_lazy("接口访问令牌"),
            description=gettext_lazy("您创建的接口访问令牌（不含令牌本身，平台只保存其摘要）。删除后：全部删除。"),
            fields={
                "name": gettext_lazy("用途"),
                "prefix": gettext_lazy("前缀"),
                "scopes": gettext_lazy("权限范围"),
                "created_at": gettext_lazy("创建时间"),
                "expires_at": gettext_lazy("到期时间"),
                "last_used_at": gettext_lazy("最近使用"),
                "last_used_ip": gettext_lazy("最近使用地址"),
                "revoked_at": gettext_lazy("撤销时间"),
            },
            export=_tokens,
            anonymize=_erase_tokens,
            order=13,
        )
    )
