"""What another domain tells this app about the records whose recommendations or promises it hands over as outcomes
(an outcome's `origin`, decision 0013): who may track them and send them to their owners (the origin's staff), and who
rates their delivery (a proposal's member rates the promise of the reply he received). The domain registers its
model once in its apps.ready(); this app still knows no other domain's models."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OriginKind:
    trackers: Callable[[Any, Any], bool]  # (user, origin) -> may track and send the origin's outcomes
    raters: Callable[[Any], Iterable[Any]]  # origin -> the users who rate the delivery


_kinds: dict[str, OriginKind] = {}


def register(model_label: str, *, trackers: Callable[[Any, Any], bool], raters: Callable[[Any], Iterable[Any]]) -> None:
    _kinds[model_label.lower()] = OriginKind(trackers=trackers, raters=raters)


def kind_of(origin: Any) -> OriginKind | None:
    return _kinds.get(origin._meta.label_lower) if origin is not None else None


def tracks(user: Any, origin: Any) -> bool:
    """The user is the registered staff of the origin (besides the organization's committee staff)."""
    kind = kind_of(origin)
    return kind is not None and bool(kind.trackers(user, origin))


def raters(outcome: Any) -> list[Any]:
    """The users who rate the outcome's delivery, by its origin; none for an outcome without a registered origin."""
    if not outcome.origin_type_id:
        return []
    kind = kind_of(outcome.origin)
    return list(kind.raters(outcome.origin)) if kind is not None else []


def origin_staff(user: Any, outcome: Any) -> bool:
    return bool(outcome.origin_type_id) and tracks(user, outcome.origin)
