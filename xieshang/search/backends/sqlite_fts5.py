"""SQLite FTS5 over the segmented columns.

The table ``search_fts(seg_title, seg_body)`` with the unicode61 tokenizer is contentless (the text lives once, in
search_searchdocument) and its rowid is minus the document id (migration 0003), so that ascending rowid order, the
one FTS5 streams, is newest first. Triggers keep it in step with every INSERT, UPDATE and DELETE of the document
table. Tokens are already words (space-joined by the segmenter), so unicode61 only splits on those spaces.
"""

from __future__ import annotations

from .base import PAGE_SELECT, RANK_WINDOW, Backend, RankedPage

TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0


def match_expression(terms: list[str]) -> str:
    # Terms hold only letters, digits and ideographs (segment.to_query_terms); quoting makes each a plain string even
    # if it spells an FTS5 keyword in another case. Space between strings means AND.
    return " ".join(f'"{t}"' for t in terms)


class SqliteFts5Backend(Backend):
    vendor = "sqlite"

    def search(self, terms, where, params, *, offset, limit, window=RANK_WINDOW, gate="") -> RankedPage:
        match = match_expression(terms)
        # bm25 sits in the candidate query so that it runs only for the rows that query yields: FTS5 streams the
        # doclist in ascending rowid order (= newest document first) and stops at the window. (A "rowid IN (...)" on
        # a second MATCH would make FTS5 seek the doclist once per candidate, seconds for a frequent term.)
        sql = f"""
            WITH cand AS (
                SELECT d.id AS id, -bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score
                FROM search_fts JOIN search_searchdocument d ON d.id = -search_fts.rowid
                WHERE search_fts MATCH %s AND ({where})
                ORDER BY search_fts.rowid LIMIT %s
            )
            SELECT p.id, p.score, (SELECT count(*) FROM cand), {PAGE_SELECT} FROM (
                SELECT id, score FROM cand ORDER BY score DESC, id DESC LIMIT %s OFFSET %s
            ) p JOIN search_searchdocument s ON s.id = p.id
            ORDER BY p.score DESC, p.id DESC
        """  # noqa: S608 - only constant SQL and %s placeholders are interpolated
        rows = self._run(sql, [match, *params, window, limit, offset])
        if not rows and offset:
            total = self.count(terms, where, params, cap=window)
            return RankedPage(total=total, capped=total >= window, hits=[])
        return self._page(rows, window)

    def count(self, terms, where, params, *, cap=RANK_WINDOW, gate="") -> int:
        sql = f"""
            SELECT count(*) FROM (
                SELECT 1 FROM search_fts JOIN search_searchdocument d ON d.id = -search_fts.rowid
                WHERE search_fts MATCH %s AND ({where}) LIMIT %s
            )
        """  # noqa: S608 - only constant SQL and %s placeholders are interpolated
        return self._run(sql, [match_expression(terms), *params, cap])[0][0]
