"""The opinion map: who is in it, where they sit, which groups they form and what each group says.

One call recomputes everything from the current votes; what must survive between runs so that the
map does not jump about (who is in the map, the PCA axes, base clusters, group centres, the shown
number of groups) travels in a JSON-serialisable ``state`` dict passed in and handed back.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import clustering
from .consensus import (
    group_aware_consensus,
    select_consensus_group_aware,
    select_consensus_overall,
)
from .matrix import AGREE, DISAGREE, VoteMatrix
from .pca import centered_matrix, column_means, pca_components, sparsity_aware_projection
from .repness import GroupStats, group_counts, group_stats, select_representative

STATE_VERSION = 1
# Polis math src/polismath/math/conversation.clj ``:in-conv``: a participant is mapped once they
# voted on min(7, number of statements) statements.
MIN_VOTES = 7
# ... and while fewer than 15 are in, the most active voters are taken in (conversation.clj ``greedy-n``).
GREEDY_N = 15


@dataclass
class OpinionMapResult:
    """Everything the opinion map shows, for in-map participants only, plus the state for next time."""

    k: int
    participant_ids: list
    groups: dict
    positions: dict
    base_clusters: list[dict]
    group_sizes: list[int]
    statement_ids: list
    stats: GroupStats | None
    representative: dict[int, list[dict]]
    consensus: dict[str, list]
    consensus_overall: dict[str, list]
    group_aware_consensus: dict[str, dict]
    silhouettes: dict[int, float]
    moderated_out: list
    state: dict
    seconds: float = 0.0
    components: np.ndarray | None = field(default=None, repr=False)
    # Participants below the in-map vote count: placed by their few votes and given the group of the nearest
    # base cluster, shown as such; they count in no statistic (Polis clusters only its in-conv participants).
    projected_groups: dict = field(default_factory=dict)
    projected_positions: dict = field(default_factory=dict)

    def statement_stats(self, group: int) -> list[dict]:
        """Agree/disagree/pass counts and smoothed probabilities of every active statement in a group."""
        s = self.stats
        if s is None:
            return []
        moderated = set(self.moderated_out)
        rows = []
        for j, sid in enumerate(self.statement_ids):
            if sid in moderated:
                continue
            rows.append(
                {
                    "statement_id": sid,
                    "n_agree": int(s.na[group, j]),
                    "n_disagree": int(s.nd[group, j]),
                    "n_pass": int(s.n_pass[group, j]),
                    "n_votes": int(s.ns[group, j]),
                    "p_agree": float(s.pa[group, j]),
                    "p_disagree": float(s.pd[group, j]),
                    "agree_test": float(s.pat[group, j]),
                    "disagree_test": float(s.pdt[group, j]),
                    "repness_agree": float(s.ra[group, j]),
                    "repness_disagree": float(s.rd[group, j]),
                    "repness_agree_test": float(s.rat[group, j]),
                    "repness_disagree_test": float(s.rdt[group, j]),
                }
            )
        return rows


def _lookup(sorted_ids: np.ndarray, wanted: Iterable) -> np.ndarray:
    """Indices into ``sorted_ids`` of the wanted ids that exist there (others dropped)."""
    wanted = np.asarray(list(wanted))
    if wanted.size == 0 or sorted_ids.size == 0:
        return np.zeros(0, np.int64)
    try:
        pos = np.searchsorted(sorted_ids, wanted)
    except TypeError:
        return np.zeros(0, np.int64)
    pos = np.clip(pos, 0, len(sorted_ids) - 1)
    return pos[sorted_ids[pos] == wanted]


def _lookup_full(sorted_ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Like _lookup but keeps alignment: -1 where the id is absent."""
    if wanted.size == 0:
        return np.zeros(0, np.int64)
    if sorted_ids.size == 0:
        return np.full(len(wanted), -1, np.int64)
    pos = np.clip(np.searchsorted(sorted_ids, wanted), 0, len(sorted_ids) - 1)
    return np.where(sorted_ids[pos] == wanted, pos, -1)


def in_map_participants(vm: VoteMatrix, previous: Iterable | None = None, min_votes: int = MIN_VOTES) -> np.ndarray:
    """Boolean mask of participants in the map: enough votes now, or already in the map before.

    Polis math, clojure src/polismath/math/conversation.clj ``:in-conv``: a participant enters after
    min(7, number of statements) votes (counted on the raw matrix, moderated-out statements
    included; Polis' ``n-cmts`` counts the statements that have votes, its matrix' columns) and, once in,
    stays in; while fewer than 15 are in, the most active other voters top the map up to 15 (Polis' ``greedy-n``).
    """
    n_rows = vm.shape[0]
    n_cols = int(voted_statements(vm).sum())
    mask = vm.votes_per_participant() >= min(min_votes, n_cols) if n_cols else np.zeros(n_rows, bool)
    if n_cols == 0:
        mask = np.zeros(n_rows, bool)
    if previous is not None:
        mask[_lookup(vm.participant_ids, previous)] = True
    missing = GREEDY_N - int(mask.sum())
    if missing > 0 and n_cols:
        counts = vm.votes_per_participant()
        others = np.flatnonzero(~mask & (counts > 0))
        top = others[np.argsort(-counts[others], kind="stable")][:missing]
        mask[top] = True
    return mask


def _to_py(x):
    return x.item() if isinstance(x, np.generic) else x


def compute_opinion_map(
    votes: VoteMatrix,
    moderated_out: Iterable = (),
    state: Mapping | None = None,
    seed: int = 0,
    *,
    base_k: int = clustering.BASE_K,
    max_k: int = clustering.MAX_GROUP_K,
    mode: str = "polis",
) -> OpinionMapResult:
    """Run the Polis pipeline on the current votes.

    ``moderated_out`` statement ids are zeroed (no influence on the map) and never listed;
    ``state`` is the ``result.state`` of the previous run (or None for a fresh start); ``seed``
    fixes every random choice, so the same inputs give the same map.
    """
    with _blas_single_thread():
        return _compute(votes, moderated_out, state, seed, base_k=base_k, max_k=max_k, polis=mode == "polis")


@contextlib.contextmanager
def _blas_single_thread():
    """Run with one BLAS thread.

    Our BLAS calls are tiny (n × 2 by 2 × k products, a small dense SVD); a threaded BLAS only adds
    hand-offs, and on a busy 2-core server its spinning threads made a 0.3 s map take 3–6 s.
    threadpoolctl comes with scikit-learn; without it we simply leave BLAS alone.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _statement_statistics(vm, rows, labels, k, sids, excluded, active):
    """Per-group counts, representative statements, consensus (group-aware and overall) over the mapped participants
    (Polis: group members via base clusters)."""
    agree = vm.indicator(AGREE)
    disagree = vm.indicator(DISAGREE)
    voted = vm.indicator(None)
    stats = None
    representative: dict[int, list[dict]] = {}
    consensus = {"agree": [], "disagree": []}
    gac: dict[str, dict] = {"agree": {}, "disagree": {}}
    if k:
        na, nd, ns = group_counts(agree[rows], disagree[rows], voted[rows], labels, k)
        stats = group_stats(na, nd, ns)
        reps = select_representative(stats, sids, excluded)
        representative = {g: [_clean(r) for r in reps[g]] for g in range(k)}
        consensus = _py_lists(select_consensus_group_aware(na, nd, ns, sids, excluded))
        scores = group_aware_consensus(na, nd, ns)
        act = np.flatnonzero(active)
        sid_list = sids.tolist()
        gac = {key: {sid_list[j]: float(scores[key][j]) for j in act} for key in ("agree", "disagree")}
    all_na = np.asarray(agree.sum(axis=0)).ravel().astype(np.int64)
    all_nd = np.asarray(disagree.sum(axis=0)).ravel().astype(np.int64)
    all_ns = np.asarray(voted.sum(axis=0)).ravel().astype(np.int64)
    consensus_overall = _py_lists(select_consensus_overall(all_na, all_nd, all_ns, sids, excluded))

    return stats, representative, consensus, gac, consensus_overall


def _base_clusters_out(pid_list, base_labels, base_centres, base_sizes, group_of_base, k) -> list[dict]:
    """Each base cluster with its centre, its members and (once there are groups) its group."""
    n_base = len(base_centres)
    base_out = []
    order = np.argsort(base_labels, kind="stable")
    splits = np.split(order, np.cumsum(base_sizes)[:-1]) if n_base else []
    for b in range(n_base):
        members = [pid_list[i] for i in splits[b]]
        base_out.append(
            {
                "id": b,
                "center": [float(base_centres[b, 0]), float(base_centres[b, 1])],
                "members": members,
                "group": int(group_of_base[b]) if k else None,
            }
        )
    return base_out


def _choose_groups(state, pids, rows, base_labels, base_centres, base_sizes, *, max_k, seed, polis):
    """Group the base clusters for every candidate k, choose k (smoothed), keep group ids stable across runs."""
    n_base = len(base_centres)
    k_values = list(range(2, clustering.max_group_k(n_base, max_k) + 1))
    prev_group_centres = {
        int(k): np.asarray(v, dtype=np.float64) for k, v in (state.get("group_centres") or {}).items()
    }
    prev_groups = state.get("groups")
    shown_k = (state.get("k_smoother") or {}).get("k")
    if prev_groups and shown_k in k_values:
        recentred = _recentre_groups(prev_groups, pids, base_labels, base_centres, base_sizes, shown_k)
        if recentred is not None:
            prev_group_centres[shown_k] = recentred
    clusterings = clustering.group_clusterings(
        base_centres,
        base_sizes.astype(np.float64),
        k_values=k_values,
        previous_centres=prev_group_centres,
        seed=seed,
        polis=polis,
    )
    silhouettes = {k: clustering.silhouette(base_centres, labels) for k, (labels, _c) in clusterings.items()}
    k, smoother = clustering.choose_k(
        silhouettes,
        state.get("k_smoother"),
        hysteresis=None if polis else clustering.K_HYSTERESIS,
        ties_to_larger=polis,
    )
    if k == 0:
        # Too few distinct positions to compare groupings: everyone mapped is one group.
        k = 1 if n_base else 0
        group_of_base = np.zeros(n_base, np.int64)
        group_centres = np.average(base_centres, axis=0, weights=base_sizes)[None] if n_base else np.zeros((0, 2))
    else:
        group_of_base, group_centres = clusterings[k]
    group_of_base, group_centres, k = _compact(group_of_base, group_centres, base_sizes)
    labels = group_of_base[base_labels] if len(rows) else np.zeros(0, np.int64)
    mapping = _stable_group_ids(labels, k, pids, prev_groups)
    if k:
        labels = mapping[labels]
        group_of_base = mapping[group_of_base]
        group_centres = group_centres[np.argsort(mapping)]
    return labels, group_of_base, group_centres, k, smoother, clusterings, silhouettes


def _project(vm, state: dict, excluded, seed):
    """The two principal components and every participant's position on them."""
    active = ~excluded
    sids = vm.statement_ids
    # PCA over every participant, as Polis does: the not-yet-mapped voters still inform the axes.
    means = column_means(vm, active)
    centred = centered_matrix(vm, means, active)
    start = _previous_components(state.get("pca"), sids)
    comps, _variances = pca_components(centred, 2, seed=seed, start=start)
    # Polis counts a zeroed (moderated-out) cell as a vote in the sparsity scaling
    # (pca.clj sparsity-aware-project-ptpt runs after zero-out-columns), so we do the same. Its matrix has a
    # column only for a statement someone voted on (update-nmat adds columns from votes), so a statement without
    # votes counts in neither number.
    voted = voted_statements(vm)
    n_votes_active = vm.votes_per_participant(active)
    n_zeroed = int((excluded & voted).sum())
    positions = sparsity_aware_projection(centred, comps, n_votes_active + n_zeroed, int(voted.sum()))
    return comps, positions


def voted_statements(vm: VoteMatrix) -> np.ndarray:
    """Mask of the statements with at least one vote: the columns of Polis' rating matrix (its ``n-cmts``)."""
    return np.bincount(vm.codes.indices, minlength=vm.shape[1]) > 0


def _next_state(pid_list, sids, comps, base_centres, base_out, clusterings, group_centres, k, smoother, labels) -> dict:
    """The state the next run starts from (components, base clusters, group centres, the k smoother)."""
    new_group_centres = {
        str(kk): np.asarray(c, dtype=np.float64).round(8).tolist() for kk, (_l, c) in clusterings.items()
    }
    if k >= 2:
        new_group_centres[str(k)] = np.asarray(group_centres).round(8).tolist()
    return {
        "version": STATE_VERSION,
        "in_map": pid_list,
        "pca": {
            "statement_ids": sids.tolist(),
            "components": np.asarray(comps).round(10).tolist(),
        },
        "base": {
            "centers": base_centres.round(8).tolist(),
            "members": [b["members"] for b in base_out],
        },
        "group_centres": new_group_centres,
        "k_smoother": smoother,
        "groups": {"participants": pid_list, "labels": labels.tolist()},
    }


def _compute(votes, moderated_out, state, seed, *, base_k, max_k, polis) -> OpinionMapResult:
    t0 = time.perf_counter()
    state = dict(state or {})
    if state and state.get("version") != STATE_VERSION:
        state = {}
    vm = votes
    sids = vm.statement_ids
    mod_set = set(_to_py(x) for x in moderated_out)
    excluded = np.array([_to_py(s) in mod_set for s in sids.tolist()], dtype=bool)
    active = ~excluded

    in_map = in_map_participants(vm, state.get("in_map"))
    rows = np.flatnonzero(in_map)
    pids = vm.participant_ids[rows]

    comps, all_positions = _project(vm, state, excluded, seed)
    positions = all_positions[rows]

    prev_members = _previous_base_members(state.get("base"), pids)
    base_labels, base_centres = _base_clusters(vm, rows, positions, prev_members, base_k=base_k, seed=seed, polis=polis)
    n_base = len(base_centres)
    base_sizes = np.bincount(base_labels, minlength=n_base) if n_base else np.zeros(0, np.int64)

    labels, group_of_base, group_centres, k, smoother, clusterings, silhouettes = _choose_groups(
        state, pids, rows, base_labels, base_centres, base_sizes, max_k=max_k, seed=seed, polis=polis
    )

    # Statistics over the mapped participants (Polis: group members via base clusters).
    stats, representative, consensus, gac, consensus_overall = _statement_statistics(
        vm, rows, labels, k, sids, excluded, active
    )

    pid_list = pids.tolist()
    projected_groups, projected_positions = _project_others(vm, in_map, all_positions, base_centres, group_of_base, k)
    group_sizes = np.bincount(labels, minlength=k).tolist() if k else []
    base_out = _base_clusters_out(pid_list, base_labels, base_centres, base_sizes, group_of_base, k)
    new_state = _next_state(
        pid_list, sids, comps, base_centres, base_out, clusterings, group_centres, k, smoother, labels
    )
    return OpinionMapResult(
        k=int(k),
        participant_ids=pid_list,
        groups=dict(zip(pid_list, labels.tolist(), strict=True)),
        positions={p: (float(x), float(y)) for p, (x, y) in zip(pid_list, positions, strict=True)},
        base_clusters=base_out,
        group_sizes=group_sizes,
        statement_ids=sids.tolist(),
        stats=stats,
        representative=representative,
        consensus=consensus,
        consensus_overall=consensus_overall,
        group_aware_consensus=gac,
        silhouettes={int(kk): float(v) for kk, v in silhouettes.items()},
        projected_groups=projected_groups,
        projected_positions=projected_positions,
        moderated_out=sorted(mod_set, key=lambda x: (str(type(x)), x)),
        state=new_state,
        seconds=time.perf_counter() - t0,
        components=comps,
    )


def polis_row_order(vm: VoteMatrix, rows: np.ndarray) -> np.ndarray:
    """The order in which Polis' vote matrix holds the given participants (a permutation of ``range(len(rows))``).

    Polis reads votes ordered by (conversation, statement, participant, time) — components/postgres.clj ``poll`` and
    ``conv-poll``, darwin/export.clj ``get-conversation-votes*`` — and named_matrix.clj ``update-nmat`` appends each
    participant as a row when first seen. So a conversation computed from its votes in one go (a full recompute, a
    math worker's reload, an export ``at-time``) holds its participants by the lowest statement id they voted on,
    then by participant id: the row order of the export's participants-votes.csv. ``init-clusters`` takes the first
    100 distinct positions in this order as base clusters, and the base clusters' order (their ids) seeds the groups.
    """
    rows = np.asarray(rows, dtype=np.int64)
    indptr, indices = vm.codes.indptr, vm.codes.indices
    has = indptr[rows + 1] > indptr[rows]
    # CSR columns are sorted and statement ids ascend with them: the row's first stored column is its lowest id.
    first = np.full(len(rows), np.iinfo(np.int64).max)
    first[has] = indices[indptr[rows[has]]]
    return np.lexsort((rows, first))


def _base_clusters(vm, rows, positions, prev_members, *, base_k, seed, polis):
    """Base clusters of the mapped participants; in Polis mode the k-means sees them in Polis' row order."""
    if not polis or not len(rows):
        return clustering.base_clusters(positions, k=base_k, previous_members=prev_members, seed=seed, polis=polis)
    order = polis_row_order(vm, rows)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    if prev_members:
        prev_members = [rank[m] for m in prev_members]
    labels, centres = clustering.base_clusters(
        positions[order], k=base_k, previous_members=prev_members, seed=seed, polis=True
    )
    return labels[rank], centres


def _project_others(vm, in_map, all_positions, base_centres, group_of_base, k) -> tuple[dict, dict]:
    """Group of the nearest base cluster for each participant with a vote who is not in the map."""
    others = np.flatnonzero(~in_map & (vm.votes_per_participant() > 0))
    if not k or not len(others) or not len(base_centres):
        return {}, {}
    pos = all_positions[others]
    nearest = clustering._sq_dists(pos, base_centres, exact=False).argmin(1)
    ids = vm.participant_ids[others].tolist()
    groups = dict(zip(ids, group_of_base[nearest].tolist(), strict=True))
    positions = {p: (float(x), float(y)) for p, (x, y) in zip(ids, pos, strict=True)}
    return groups, positions


def _best_matching(overlap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row → column matching with the largest total overlap (an assignment problem).

    There are at most a handful of groups, so trying every matching is instant and spares importing
    scipy.optimize (a third of a second at start-up); a larger table goes to scipy's Hungarian solver."""
    n_r, n_c = overlap.shape
    if max(n_r, n_c) > 7:
        from scipy.optimize import linear_sum_assignment

        return linear_sum_assignment(-overlap)
    best, best_cols = -1.0, ()
    if n_r <= n_c:
        for cols in itertools.permutations(range(n_c), n_r):
            total = float(overlap[range(n_r), cols].sum())
            if total > best:
                best, best_cols = total, cols
        return np.arange(n_r), np.asarray(best_cols, np.int64)
    rows_t, cols_t = _best_matching(overlap.T)
    order = np.argsort(cols_t)
    return cols_t[order], rows_t[order]


def _clean(item: dict) -> dict:
    return {key: _to_py(v) for key, v in item.items()}


def _py_lists(d: dict[str, list]) -> dict[str, list]:
    return {key: [_to_py(x) for x in v] for key, v in d.items()}


def _previous_components(prev: Mapping | None, sids: np.ndarray) -> np.ndarray | None:
    if not prev:
        return None
    old_ids = np.asarray(prev.get("statement_ids") or [])
    old = np.asarray(prev.get("components") or [], dtype=np.float64)
    if old.ndim != 2 or old.shape[1] != len(old_ids) or len(old_ids) == 0:
        return None
    idx = _lookup_full(old_ids, sids) if old_ids.dtype == sids.dtype else None
    if idx is None:
        return None
    start = np.zeros((len(old), len(sids)))
    have = idx >= 0
    start[:, have] = old[:, idx[have]]
    return start


def _previous_base_members(prev: Mapping | None, pids: np.ndarray) -> list[np.ndarray] | None:
    if not prev or not prev.get("members"):
        return None
    out = []
    for members in prev["members"]:
        arr = np.asarray(members)
        if arr.size == 0 or arr.dtype.kind != pids.dtype.kind:
            continue
        idx = _lookup_full(pids, arr)
        out.append(idx[idx >= 0])
    return out or None


def _recentre_groups(prev_groups, pids, base_labels, base_centres, base_sizes, k) -> np.ndarray | None:
    """Last run's groups re-centred on today's base clusters (weighted by members carried over).

    The PCA axes can turn a little between runs, so old centre coordinates drift; the members do
    not. Each base cluster votes for the previous group most of its members were in.
    """
    old_p = np.asarray(prev_groups.get("participants") or [])
    old_l = np.asarray(prev_groups.get("labels") or [], dtype=np.int64)
    if old_p.size == 0 or old_p.dtype.kind != pids.dtype.kind or len(old_p) != len(old_l):
        return None
    order = np.argsort(old_p)
    old_p, old_l = old_p[order], old_l[order]
    idx = _lookup_full(old_p, pids)
    known = idx >= 0
    if not known.any() or old_l.max(initial=-1) >= k:
        return None
    n_base = len(base_centres)
    votes = np.zeros((n_base, k))
    np.add.at(votes, (base_labels[known], old_l[idx[known]]), 1.0)
    owner = votes.argmax(1)
    has = votes.sum(1) > 0
    centres = []
    for g in range(k):
        sel = has & (owner == g)
        if not sel.any():
            return None
        centres.append(np.average(base_centres[sel], axis=0, weights=base_sizes[sel]))
    return np.asarray(centres)


def _compact(
    group_of_base: np.ndarray, centres: np.ndarray, base_sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Renumber groups 0..k-1 keeping only groups that have members (k-means may leave one empty)."""
    if group_of_base.size == 0:
        return group_of_base, np.zeros((0, 2)), 0
    used = np.unique(group_of_base[base_sizes > 0])
    remap = np.zeros(len(centres), np.int64)
    remap[used] = np.arange(len(used))
    return remap[group_of_base], np.asarray(centres)[used], len(used)


def _stable_group_ids(labels: np.ndarray, k: int, pids: np.ndarray, prev_groups) -> np.ndarray:
    """Permutation new label → shown group number, keeping last run's numbers where groups persist.

    Matches new groups to old ones by the number of participants they share (Hungarian algorithm);
    on a fresh start groups are numbered by size, largest first.
    """
    if k == 0:
        return np.zeros(0, np.int64)
    sizes = np.bincount(labels, minlength=k)
    by_size = np.lexsort((np.arange(k), -sizes))
    mapping = np.empty(k, np.int64)
    mapping[by_size] = np.arange(k)
    if not prev_groups:
        return mapping
    old_p = np.asarray(prev_groups.get("participants") or [])
    old_l = np.asarray(prev_groups.get("labels") or [], dtype=np.int64)
    if old_p.size == 0 or old_p.dtype.kind != pids.dtype.kind or len(old_p) != len(old_l):
        return mapping
    order = np.argsort(old_p)
    idx = _lookup_full(old_p[order], pids)
    known = idx >= 0
    if not known.any():
        return mapping
    old_for_new = old_l[order][idx[known]]
    k_old = int(old_l.max()) + 1
    overlap = np.zeros((k, k_old))
    np.add.at(overlap, (labels[known], old_for_new), 1.0)
    rows, cols = _best_matching(overlap)
    mapping = np.full(k, -1, np.int64)
    taken = set()
    for r, c in zip(rows, cols, strict=True):
        if overlap[r, c] > 0 and c < k:
            mapping[r] = c
            taken.add(int(c))
    free = [g for g in range(k) if g not in taken]
    for r in by_size:
        if mapping[r] < 0:
            mapping[r] = free.pop(0)
    return mapping


def opinionmap_json(dir_path: str | Path, seed: int = 0, mode: str = "polis") -> dict:
    """Map of a Polis export folder, as one JSON-able object; nothing is saved.

    Keys: "k"; "groups" (participant id → group number: the mapped participants, and the ones with too few
    votes, placed by projection and listed again under "projected"); "consensus" (Polis' ``consensus``:
    {"agree": [statement ids], "disagree": [...]}, over all participants, whatever their group);
    "group-aware-consensus" (Polis' ``group-aware-consensus``: statement id → Π over groups of the smoothed
    agree probability); "representative" (group number → statement ids); "projected"; "seconds" (wall time of
    reading and computing). Dict keys are strings, as JSON would make them.
    """
    from .polis_io import read_polis_export

    t0 = time.perf_counter()
    export = read_polis_export(dir_path, with_groups=False)
    result = compute_opinion_map(export.vote_matrix(), moderated_out=export.moderated_out, seed=seed, mode=mode)
    groups = {str(p): int(g) for p, g in result.groups.items()}
    groups.update({str(p): int(g) for p, g in result.projected_groups.items()})
    return {
        "k": result.k,
        "groups": groups,
        "consensus": {key: list(v) for key, v in result.consensus_overall.items()},
        "group-aware-consensus": {str(t): round(v, 6) for t, v in result.group_aware_consensus["agree"].items()},
        "representative": {str(g): [r["statement_id"] for r in reps] for g, reps in result.representative.items()},
        "projected": [str(p) for p in result.projected_groups],
        "seconds": round(time.perf_counter() - t0, 4),
    }
