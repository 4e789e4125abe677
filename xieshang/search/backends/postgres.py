"""PostgreSQL: a generated tsvector column ``tsv`` over the segmented columns ('simple' configuration: the segmenter
has done the linguistic work, PostgreSQL only splits on spaces and lower-cases), a GIN index (RUM when the extension
is installed), ts_rank_cd for ranking. Migration 0002 creates the column and the index."""

from __future__ import annotations

from .base import RANK_WINDOW, Backend, RankedPage


def tsquery_text(terms: list[str]) -> str:
    # Terms hold only letters, digits and ideographs, so quoting cannot be broken out of; a term the parser still
    # splits becomes a phrase, exactly as its words sit in the tsvector.
    return " & ".join(f"'{t}'" for t in terms)


class PostgresBackend(Backend):
    vendor = "postgresql"

    def search(self, terms, where, params, *, offset, limit, window=RANK_WINDOW) -> RankedPage:
        # The tsquery is written out in each place rather than bound once in a CTE: only then does the planner see
        # the term's frequency (tsvector statistics) and walk the primary key backwards for a frequent term, stopping
        # at the window, instead of decoding the GIN posting list of 200,000 rows.
        sql = f"""
            WITH cand AS (
                SELECT d.id FROM search_searchdocument d
                WHERE d.tsv @@ to_tsquery('simple', %s) AND ({where})
                ORDER BY d.id DESC LIMIT %s
            )
            SELECT d.id, ts_rank_cd(d.tsv, to_tsquery('simple', %s)) AS score, count(*) OVER ()
            FROM search_searchdocument d WHERE d.id IN (SELECT id FROM cand)
            ORDER BY score DESC, d.id DESC LIMIT %s OFFSET %s
        """  # noqa: S608 - only constant SQL and %s placeholders are interpolated
        tsq = tsquery_text(terms)
        rows = self._run(sql, [tsq, *params, window, tsq, limit, offset])
        if not rows and offset:
            total = self.count(terms, where, params, cap=window)
            return RankedPage(total=total, capped=total >= window, hits=[])
        return self._page(rows, window)

    def count(self, terms, where, params, *, cap=RANK_WINDOW) -> int:
        sql = f"""
            SELECT count(*) FROM (
                SELECT 1 FROM search_searchdocument d
                WHERE d.tsv @@ to_tsquery('simple', %s) AND ({where}) LIMIT %s
            ) s
        """  # noqa: S608 - only constant SQL and %s placeholders are interpolated
        return self._run(sql, [tsquery_text(terms), *params, cap])[0][0]
