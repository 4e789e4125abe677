"""What every back-end answers: the ranked page of matches and how many there are (up to a bound)."""

from __future__ import annotations

from dataclasses import dataclass

# Ranking reads every candidate's term statistics; a term found in half of 200,000 documents would cost far more
# than the latency target. So the ranking looks at the newest RANK_WINDOW matches (after the permission and filter
# conditions), and the count stops there too: "more than 500" is as useful to a reader as 83,412, who then adds a
# word or a filter. 500 rather than 1,000: FTS5 reads a frequent term's doclist newest-first at ~30 µs a row
# (bench/README.md, "full-text index").
RANK_WINDOW = 500


# What a result page shows of each hit; back-ends return it with the page, so the service needs no second query.
PAGE_COLUMNS = ("doc_type", "object_id", "organization_id", "title", "body", "url", "year", "state", "visibility")
PAGE_SELECT = ", ".join(f"s.{c}" for c in PAGE_COLUMNS)


@dataclass
class RankedPage:
    total: int
    capped: bool
    hits: list[tuple[int, float]]  # (SearchDocument id, score: higher is better)
    docs: dict[int, dict] | None = None  # SearchDocument id -> PAGE_COLUMNS, when the back-end fetched them


class Backend:
    vendor = ""

    def __init__(self, connection) -> None:
        self.connection = connection

    def search(
        self,
        terms: list[str],
        where: str,
        params: list,
        *,
        offset: int,
        limit: int,
        window: int = RANK_WINDOW,
        gate: str = "",
    ) -> RankedPage:
        """Documents containing every term and satisfying ``where`` (SQL on alias ``d``), best first. ``gate``, when
        given, is the reader's permission tsquery (search.selectors.Visibility): a back-end that indexes those lexemes
        may use it to skip rows early; ``where`` stays the exact condition."""
        raise NotImplementedError

    def count(self, terms: list[str], where: str, params: list, *, cap: int = RANK_WINDOW, gate: str = "") -> int:
        raise NotImplementedError

    def _run(self, sql: str, params: list) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _page(self, rows: list[tuple], window: int) -> RankedPage:
        """Rows of (id, score, total, *PAGE_COLUMNS)."""
        total = rows[0][2] if rows else 0
        return RankedPage(
            total=total,
            capped=total >= window,
            hits=[(r[0], float(r[1])) for r in rows],
            docs={r[0]: dict(zip(PAGE_COLUMNS, r[3:], strict=True)) for r in rows},
        )
