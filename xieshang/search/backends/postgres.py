"""PostgreSQL: a generated tsvector column ``tsv`` over the segmented columns ('simple' configuration: the segmenter
has done the linguistic work, PostgreSQL only splits on spaces and lower-cases), migration 0002; and the table
``search_match`` (migration 0003) that every query reads: per document the filter and permission columns, the stripped
tsvector with one "#b<block>" lexeme (block = id >> BLOCK_SHIFT) under a GIN index, and the stripped title.

Why: "the newest RANK_WINDOW matches" with GIN alone means visiting every match's row (a bitmap heap scan of 10,000
rows for a term in 5 % of 200,000 documents) or walking the primary key and testing each row. Here GIN itself keeps
a query to the newest blocks: first the newest sixteenth of the blocks (at least one), then the newest quarter; only
when those hold fewer than RANK_WINDOW matches does the query run over everything, and then the term is rare enough
for that to be cheap. Each step is exact (the blocks are the newest ids, contiguous), so the answer is the same as one
query over all.

Ranking uses no positions (the window's rows are read from search_match only): a point per query term found in the
title, plus ts_rank over the stripped text with length normalization (shorter documents first among equals).
"""

from __future__ import annotations

from .base import PAGE_SELECT, RANK_WINDOW, Backend, RankedPage

BLOCK_SHIFT = 12  # migration 0003 writes the same blocks (4,096 ids each)
# Fractions of the blocks tried before the whole index: newest 1/16, then newest 1/4.
PROBES = (16, 4)


def tsquery_text(terms: list[str]) -> str:
    # Terms hold only letters, digits and ideographs, so quoting cannot be broken out of; a term the parser still
    # splits becomes a phrase, exactly as its words sit in the tsvector.
    return " & ".join(f"'{t}'" for t in terms)


class PostgresBackend(Backend):
    vendor = "postgresql"

    def search(self, terms, where, params, *, offset, limit, window=RANK_WINDOW, gate="") -> RankedPage:
        # One statement, one round trip: the newest sixteenth of the blocks (p1); if it holds fewer than the window,
        # the newest quarter (p2); if that does too, everything (p3). A step that is not needed does not run (its
        # one-time filter on the previous step's count is false). The block lexemes are built from max(id) inside
        # the statement, so no cached bound can go stale.
        tsq = tsquery_text(terms)
        # The reader's permission lexemes (selectors.Visibility.gate) join the match, so GIN leaves out the rows the
        # reader cannot see: a district member's query no longer reads every match of the city's newer documents.
        gated = "(to_tsquery('simple', %s) && %s::tsquery)" if gate else "to_tsquery('simple', %s)"
        title_points = " + ".join(["(c.tsv_title @@ to_tsquery('simple', %s))::int"] * len(terms))

        def step(name: str, blocks: str | None, when: str) -> str:
            match = gated if blocks is None else f"({gated} && {blocks})"
            return f"""{name} AS MATERIALIZED (
                SELECT d.id, d.tsv, d.tsv_title FROM search_match d
                WHERE {when} d.tsv @@ {match} AND ({where})
                ORDER BY d.id DESC LIMIT %s
            )"""  # noqa: S608 - only constant SQL and %s placeholders are interpolated

        def blocks(share: int) -> str:
            # Blocks lo..top.b as small blocks (#b) up to the first boundary of a large one, then large blocks (#c,
            # four small ones each): the same ids, "every id from block lo on", in fewer lexemes.
            # share is one of PROBES (an int): nothing from the request reaches this SQL.
            lo = f"(top.b - greatest(1, (top.b + 1) / {int(share)}) + 1)"
            small = f"generate_series({lo}, least(top.b, ({lo} + 3) / 4 * 4 - 1))"
            large = f"generate_series(({lo} + 3) / 4, top.b / 4)"
            parts = [
                "(SELECT string_agg(x.l, ' | ')::tsquery FROM top, LATERAL (",
                "SELECT format('''#b%%s''', g) AS l FROM ",
                small,
                " g UNION ALL SELECT format('''#c%%s''', g) FROM ",
                large,
                " g) x)",
            ]
            return "".join(parts)

        step_args = [tsq, *([gate] if gate else []), *params, window]
        sql = f"""
            WITH top AS MATERIALIZED (SELECT max(id) >> {BLOCK_SHIFT} AS b FROM search_match),
            {step("p1", blocks(PROBES[0]), "")},
            {step("p2", blocks(PROBES[1]), "(SELECT count(*) FROM p1) < %s AND")},
            {step("p3", None, "(SELECT count(*) FROM p2) < %s AND (SELECT count(*) FROM p1) < %s AND")},
            c AS (
                SELECT * FROM p1 WHERE (SELECT count(*) FROM p1) >= %s
                UNION ALL SELECT * FROM p2 WHERE (SELECT count(*) FROM p2) >= %s
                UNION ALL SELECT * FROM p3
            ),
            ranked AS (
                SELECT c.id, {title_points} + ts_rank(c.tsv, to_tsquery('simple', %s), 1) AS score FROM c
            )
            SELECT p.id, p.score, (SELECT count(*) FROM ranked), {PAGE_SELECT} FROM (
                SELECT id, score FROM ranked ORDER BY score DESC, id DESC LIMIT %s OFFSET %s
            ) p JOIN search_searchdocument s ON s.id = p.id
            ORDER BY p.score DESC, p.id DESC
        """  # noqa: S608 - only constant SQL and %s placeholders are interpolated
        args = [*step_args, window, *step_args, window, window, *step_args]
        args += [window, window, *(f"'{t}'" for t in terms), tsq, limit, offset]
        rows = self._run(sql, args)
        if not rows and offset:
            total = self.count(terms, where, params, cap=window)
            return RankedPage(total=total, capped=total >= window, hits=[])
        return self._page(rows, window)

    def count(self, terms, where, params, *, cap=RANK_WINDOW, gate="") -> int:
        gated = "(to_tsquery('simple', %s) && %s::tsquery)" if gate else "to_tsquery('simple', %s)"
        sql = f"""
            SELECT count(*) FROM (
                SELECT 1 FROM search_match d
                WHERE d.tsv @@ {gated} AND ({where}) LIMIT %s
            ) s
        """  # noqa: S608 - only constant SQL and %s placeholders are interpolated
        return self._run(sql, [tsquery_text(terms), *([gate] if gate else []), *params, cap])[0][0]
