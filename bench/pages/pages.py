"""The pages the benchmark measures. To add one, append a Page to PAGES (or call add() from another module listed in
BENCH_PAGES_EXTRA): a name, the role that signs in (None: anonymous), the URL built from the cast, which floor page it
is compared with ("list" or "detail"), and optionally a prepare(cast) that builds what the page needs once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xieshang.accounts.models import Role


@dataclass(frozen=True)
class Page:
    name: str
    role: str | None
    url: Callable  # (cast) -> str
    floor: str = "list"
    prepare: Callable | None = None  # (cast) -> None, run once after the data is built


PAGES: list[Page] = [
    Page("staff queue, page 1", Role.PROPOSALS_STAFF, lambda c: "/proposals/staff/"),
    Page("staff queue, last page", Role.PROPOSALS_STAFF, lambda c: "/proposals/staff/?page=last"),
    Page("unit inbox", Role.UNIT_OFFICER, lambda c: "/proposals/unit/"),
    Page("proposal page (staff)", Role.PROPOSALS_STAFF, lambda c: f"/proposals/{c.proposal_id}/", "detail"),
    Page("public list of replies", None, lambda c: f"/proposals/public/{c.org.code}/"),
    Page("public proposal page", None, lambda c: f"/proposals/public/{c.org.code}/{c.public_id}/", "detail"),
    Page("search", Role.MEMBER, lambda c: "/search/?q=%E8%80%81%E6%97%A7%E5%B0%8F%E5%8C%BA"),  # 老旧小区
    Page("member workbench", Role.MEMBER, lambda c: "/workbench/"),
    Page("staff workbench", Role.PROPOSALS_STAFF, lambda c: "/workbench/"),
    Page("GET /api/proposals/", Role.MEMBER, lambda c: "/api/proposals/"),
    Page("proposal statistics", Role.PROPOSALS_STAFF, lambda c: "/proposals/stats/"),
]


def add(page: Page) -> None:
    PAGES.append(page)
