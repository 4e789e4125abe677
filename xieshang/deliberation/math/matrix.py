"""The participant × statement vote matrix, stored sparse.

Votes are -1 (disagree), 0 (pass) and 1 (agree); "not voted" must stay distinct from "passed", and
scipy.sparse drops explicit zeros, so each cell holds a small code instead of the vote:
0 = not voted, 1 = disagree, 2 = pass, 3 = agree (code = vote + 2). An int8 CSR matrix of codes costs
about 5 bytes per vote, so 18,000 × 9,000 with 0.5 M votes is a few megabytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

DISAGREE, PASS, AGREE = 1, 2, 3


def _unique_ids(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct ids and each value's index among them."""
    if values.dtype.kind in "iu" and values.size:
        lo, hi = int(values.min()), int(values.max())
        if lo >= 0 and hi < 4 * values.size + 1024:
            # Dense small ids (the usual case): a presence table is O(n), a sort is O(n log n).
            present = np.zeros(hi + 1, bool)
            present[values] = True
            ids = np.flatnonzero(present).astype(values.dtype)
            rank = np.cumsum(present) - 1
            return ids, rank[values]
    ids, inverse = np.unique(values, return_inverse=True)
    return ids, inverse.reshape(-1)


def _as_id_array(values: Sequence | np.ndarray) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuUO":
        if arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0):
            return arr.astype(np.int64)
        raise ValueError(f"ids must be integers or strings, got dtype {arr.dtype}")
    return arr


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Final votes: rows are participants, columns statements, both sorted by id.

    ``codes`` is an int8 CSR matrix (see module docstring); ``participant_ids`` and
    ``statement_ids`` name its rows and columns.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    codes: sp.csr_matrix

    @classmethod
    def from_arrays(
        cls,
        participants: Sequence | np.ndarray,
        statements: Sequence | np.ndarray,
        votes: Sequence | np.ndarray,
        *,
        extra_statement_ids: Iterable | None = None,
    ) -> VoteMatrix:
        """Build from parallel arrays of vote events in the order they happened.

        When a (participant, statement) pair repeats, the latest event wins, as in Polis' export
        (votes.csv is an event log). ``extra_statement_ids`` adds columns for statements that have no
        vote yet, so that they count in the number of statements.
        """
        p = _as_id_array(participants)
        s = _as_id_array(statements)
        v = np.asarray(votes)
        if not (len(p) == len(s) == len(v)):
            raise ValueError("participants, statements and votes must have the same length")
        if v.size and (v.dtype.kind not in "iuf" or not np.isin(v, (-1, 0, 1)).all()):
            raise ValueError("votes must be -1, 0 or 1")
        extra = _as_id_array(list(extra_statement_ids)) if extra_statement_ids is not None else s[:0]
        all_s = np.concatenate([s, extra]) if extra.size else s
        if all_s.size:
            statement_ids, inverse = _unique_ids(all_s)
            cols = inverse[: len(s)]
        else:
            statement_ids, cols = all_s[:0], np.zeros(0, np.int64)
        participant_ids, rows = _unique_ids(p) if p.size else (p[:0], np.zeros(0, np.int64))
        n_rows, n_cols = len(participant_ids), len(statement_ids)
        if v.size:
            data = (v.astype(np.int8) + 2).astype(np.int8)
            key = rows.astype(np.int64) * max(n_cols, 1) + cols
            # One stable sort by cell puts the events of each cell together, in time order, and the cells in
            # row-major order: the last event of each run is the final vote, and the kept cells are already CSR.
            n = len(key)
            if n_rows * max(n_cols, 1) < np.iinfo(np.int64).max // max(n, 1):
                # (cell, event) packed in one int64: a plain sort (SIMD, several times faster than a stable
                # argsort) then orders by cell and, within a cell, by time.
                packed = np.sort(key * n + np.arange(n, dtype=np.int64))
                order = packed % n
                key = packed // n
            else:
                order = np.argsort(key, kind="stable")
                key = key[order]
            last = np.ones(len(key), bool)
            last[:-1] = key[1:] != key[:-1]
            key, data = key[last], data[order[last]]
            indices = (key % max(n_cols, 1)).astype(np.int32)
            indptr = np.zeros(n_rows + 1, np.int64)
            np.cumsum(np.bincount(key // max(n_cols, 1), minlength=n_rows), out=indptr[1:])
            codes = sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_cols))
        else:
            codes = sp.csr_matrix((n_rows, n_cols), dtype=np.int8)
        return cls(participant_ids, statement_ids, codes)

    @classmethod
    def from_triples(
        cls,
        triples: Iterable[tuple[object, object, int]],
        *,
        extra_statement_ids: Iterable | None = None,
    ) -> VoteMatrix:
        """Build from (participant_id, statement_id, vote) triples in event order (latest wins)."""
        rows = list(triples)
        if rows:
            p, s, v = zip(*rows, strict=True)
        else:
            p, s, v = (), (), ()
        return cls.from_arrays(
            np.asarray(p, dtype=np.int64 if not rows or _all_int(p) else object),
            np.asarray(s, dtype=np.int64 if not rows or _all_int(s) else object),
            np.asarray(v, dtype=np.int64),
            extra_statement_ids=extra_statement_ids,
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.codes.shape

    @property
    def n_votes(self) -> int:
        return int(self.codes.nnz)

    def votes_per_participant(self, columns: np.ndarray | None = None) -> np.ndarray:
        """Number of votes (agree, disagree or pass) per participant, optionally on a column mask."""
        if columns is None:
            return np.diff(self.codes.indptr).astype(np.int64)
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.codes.indptr))
        keep = columns[self.codes.indices]
        return np.bincount(rows[keep], minlength=self.shape[0]).astype(np.int64)

    def indicator(self, code: int | None = None, dtype=np.float64) -> sp.csr_matrix:
        """0/1 CSR matrix of cells holding ``code`` (or of all voted cells when None)."""
        m = self.codes
        mask = np.ones(m.nnz, bool) if code is None else (m.data == code)
        out = sp.csr_matrix((mask.astype(dtype), m.indices.copy(), m.indptr.copy()), shape=m.shape)
        out.eliminate_zeros()
        return out

    def values(self, dtype=np.float64) -> sp.csr_matrix:
        """CSR matrix of vote values (-1, 0, 1); a pass and a missing vote both read as 0 here."""
        m = self.codes
        out = sp.csr_matrix(((m.data.astype(dtype) - 2), m.indices.copy(), m.indptr.copy()), shape=m.shape)
        return out

    def triples(self) -> list[tuple[object, object, int]]:
        coo = self.codes.tocoo()
        order = np.lexsort((coo.col, coo.row))
        pids = self.participant_ids[coo.row[order]].tolist()
        sids = self.statement_ids[coo.col[order]].tolist()
        votes = (coo.data[order].astype(np.int64) - 2).tolist()
        return list(zip(pids, sids, votes, strict=True))


def _all_int(values: Sequence) -> bool:
    return all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in values)
