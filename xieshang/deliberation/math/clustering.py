"""Two-level clustering: ~100 base clusters of participants, then 2–5 opinion groups of base clusters.

Polis math, clojure src/polismath/math/clusters.clj (``kmeans``, ``clean-start-clusters``,
``silhouette``) and src/polismath/math/conversation.clj (``:base-clusters``, ``:group-clusterings``,
``:group-k-smoother``, ``max-k-fn``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.spatial import cKDTree

BASE_K = 100
MAX_GROUP_K = 5
# Polis' :group-k-buffer: a new best k must win this many runs in a row before it is shown.
GROUP_K_BUFFER = 4
# Silhouette lead that lets a new k replace the shown one at once, without waiting for the buffer.
K_HYSTERESIS = 0.05
# Relative k-means objective gain that makes a fresh grouping replace the warm-started one.
WARM_START_SLACK = 0.10


def _sq_dists(points: np.ndarray, centres: np.ndarray, *, exact: bool = True) -> np.ndarray:
    """Squared distances points × centres; without ``exact`` the per-point constant ‖x‖² is left
    out, which is all an argmin needs and saves a pass over the n × k array."""
    d = points @ (-2.0 * centres.T)
    d += (centres**2).sum(1)[None, :]
    if exact:
        d += (points**2).sum(1)[:, None]
        np.maximum(d, 0.0, out=d)
    return d


def _kmeans_pp(points: np.ndarray, weights: np.ndarray, k: int, rng) -> np.ndarray:
    """Weighted k-means++ seeding (Arthur & Vassilvitskii 2007): D²·w sampling."""
    first = rng.choice(len(points), p=weights / weights.sum())
    centres = [points[first]]
    d = ((points - points[first]) ** 2).sum(1)
    for _ in range(1, k):
        p = d * weights
        total = p.sum()
        if total <= 0:
            break
        i = rng.choice(len(points), p=p / total)
        centres.append(points[i])
        d = np.minimum(d, ((points - points[i]) ** 2).sum(1))
    return np.asarray(centres)


def _lloyd(points, weights, centres, max_iter) -> tuple[np.ndarray, np.ndarray, float]:
    centres = np.array(centres, dtype=np.float64)
    k = len(centres)
    labels = None
    # Converged when the centres, all together, move less than 1e-4 of the data's variance
    # (scikit-learn's default criterion); exact label stability can take hundreds of sweeps.
    tol = 1e-4 * max(float(points.var(0).mean()), 1e-300)
    for _ in range(max_iter):
        if k > 8 and points.shape[1] <= 3:
            # Many centres in the plane: a k-d tree answers "nearest centre" without the n × k array.
            new = cKDTree(centres).query(points)[1]
            d = None
        else:
            d = _sq_dists(points, centres, exact=False)
            new = d.argmin(1)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        old = centres.copy()
        mass = np.bincount(labels, weights=weights, minlength=k)
        for dim in range(points.shape[1]):
            s = np.bincount(labels, weights=weights * points[:, dim], minlength=k)
            centres[:, dim] = np.divide(s, mass, out=centres[:, dim].copy(), where=mass > 0)
        empty = np.flatnonzero(mass == 0)
        if len(empty):
            # Re-seed an empty cluster on the point worst served by its centre, so k holds.
            worst = ((points - centres[labels]) ** 2).sum(1)
            far = np.argsort(-worst, kind="stable")
            for c, i in zip(empty, far, strict=False):
                centres[c] = points[i]
            labels = None
        elif ((centres - old) ** 2).sum() <= tol:
            break
    if k > 8 and points.shape[1] <= 3:
        dist, labels = cKDTree(centres).query(points)
        inertia = float((weights * dist**2).sum())
    else:
        d = _sq_dists(points, centres)
        labels = d.argmin(1)
        inertia = float((weights * d[np.arange(len(points)), labels]).sum())
    return labels, centres, inertia


def kmeans(
    points: np.ndarray,
    k: int,
    *,
    weights: np.ndarray | None = None,
    init: np.ndarray | None = None,
    seed: int = 0,
    n_init: int = 10,
    max_iter: int = 100,
) -> tuple[np.ndarray, np.ndarray]:
    """(Weighted) Lloyd k-means; returns (labels, centres), centres[i] the weighted mean of cluster i.

    Polis math, clojure src/polismath/math/clusters.clj ``kmeans`` / ``cluster-step`` /
    ``weighted-mean``: assign each point to its nearest centre, move each centre to the (weighted)
    mean of its points, up to 100 iterations (Polis' :base-iters / :group-iters). With ``init``
    (warm start from the previous run's centres, as Polis does with ``:last-clusters``) one run is
    made; otherwise weighted k-means++ seeding with ``n_init`` seeded restarts, keeping the lowest
    weighted inertia, replaces Polis' "first k distinct points" start, which depends on row order.
    Deterministic for a given seed; returns exactly ``min(k, distinct points)`` clusters.
    """
    points = np.asarray(points, dtype=np.float64)
    n = len(points)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros((0, points.shape[1] if points.ndim == 2 else 2))
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    distinct = np.unique(points, axis=0)
    k = max(1, min(k, len(distinct)))
    if k == len(distinct):
        # Every distinct point is its own cluster; k-means has nothing to optimise.
        labels = np.unique(points, axis=0, return_inverse=True)[1].reshape(-1)
        return labels.astype(np.int64), distinct
    if init is not None and len(init) == k:
        labels, centres, _ = _lloyd(points, w, np.asarray(init, dtype=np.float64), max_iter)
        return labels.astype(np.int64), centres
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(max(1, n_init)):
        start = _kmeans_pp(points, w, k, rng)
        if len(start) < k:
            start = _grow_by_most_distal(points, start, k)
        run = _lloyd(points, w, start, max_iter)
        if best is None or run[2] < best[2]:
            best = run
    labels, centres, _ = best
    return labels.astype(np.int64), centres


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient (Rousseeuw 1987): s_i = (b_i - a_i) / max(a_i, b_i).

    a_i is the mean distance from i to the other members of its cluster, b_i the smallest mean
    distance to another cluster; a member of a singleton cluster scores 0. Unweighted, over the
    points given, as Polis math src/polismath/math/clusters.clj ``silhouette`` computes it over
    base-cluster centres. Returns -1 when fewer than two clusters exist (no k can be scored).
    """
    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(labels)
    uniq, inv = np.unique(labels, return_inverse=True)
    if len(uniq) < 2 or len(points) < 3:
        return -1.0
    d = np.sqrt(np.maximum(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1), 0.0))
    onehot = np.zeros((len(points), len(uniq)))
    onehot[np.arange(len(points)), inv] = 1.0
    sizes = onehot.sum(0)
    sums = d @ onehot
    own = sizes[inv]
    a = np.divide(sums[np.arange(len(points)), inv], own - 1, out=np.zeros(len(points)), where=own > 1)
    other = sums / np.where(sizes > 0, sizes, 1)
    other[np.arange(len(points)), inv] = np.inf
    b = other.min(1)
    denom = np.maximum(a, b)
    s = np.divide(b - a, denom, out=np.zeros(len(points)), where=denom > 0)
    s[own <= 1] = 0.0
    return float(s.mean())


def max_group_k(n_base: int, max_k: int = MAX_GROUP_K) -> int:
    """Largest k tried for opinion groups.

    Polis math, src/polismath/math/conversation.clj ``max-k-fn``: min(max-k, 2 + n_base // 12); we
    also keep k below the number of base clusters so that every k can be scored by silhouette.
    """
    return max(0, min(max_k, 2 + n_base // 12, n_base - 1))


def base_clusters(
    positions: np.ndarray,
    *,
    k: int = BASE_K,
    previous_members: Sequence[np.ndarray] | None = None,
    seed: int = 0,
    polis: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster in-map participants' 2-D positions into up to ``k`` base clusters.

    With ``polis`` the k-means is Polis' own (``polis_kmeans``: first distinct points on a fresh start, 100
    iterations); otherwise seeded k-means++ Lloyd.

    Warm start as Polis math src/polismath/math/clusters.clj ``clean-start-clusters``: each previous
    base cluster is re-centred on the current positions of its members (indices into
    ``positions``), empty ones are dropped, and while there are fewer than k clusters the point
    farthest from every centre opens a new one; then Lloyd iterations run from there. This keeps
    base clusters, and so groups, stable as votes arrive.
    """
    n = len(positions)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros((0, 2))
    target = min(k, len(np.unique(positions, axis=0)))
    init = None
    if previous_members:
        centres = [positions[m].mean(0) for m in previous_members if len(m)]
        centres = _dedupe_rows(np.asarray(centres).reshape(-1, 2))[:target]
        if len(centres):
            init = _grow_by_most_distal(positions, centres, target)
    if polis:
        return polis_kmeans(positions, target, start=init, max_iter=POLIS_BASE_ITERS)
    return kmeans(positions, target, init=init, seed=seed, n_init=1)


def _dedupe_rows(rows: np.ndarray) -> np.ndarray:
    _, first = np.unique(rows, axis=0, return_index=True)
    return rows[np.sort(first)]


def _grow_by_most_distal(points: np.ndarray, centres: np.ndarray, target: int) -> np.ndarray:
    centres = list(centres)
    dmin = np.min(((points[:, None, :] - np.asarray(centres)[None]) ** 2).sum(-1), axis=1)
    while len(centres) < target:
        i = int(np.argmax(dmin))
        if dmin[i] <= 0:
            break
        centres.append(points[i])
        dmin = np.minimum(dmin, ((points - points[i]) ** 2).sum(-1))
    return np.asarray(centres)


def group_clusterings(
    base_centres: np.ndarray,
    base_weights: np.ndarray,
    *,
    k_values: Sequence[int],
    previous_centres: Mapping[int, np.ndarray] | None = None,
    seed: int = 0,
    polis: bool = False,
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """For each k, size-weighted k-means of the base-cluster centres → (labels per base, centres).

    Polis math, src/polismath/math/conversation.clj ``:group-clusterings``: k-means over the base
    cluster centres weighted by their member counts, warm-started per k from the last run.
    """
    out = {}
    if polis:
        # Polis: one deterministic k-means per k, warm-started from that k's last clustering.
        for k in k_values:
            start = None
            if previous_centres and k in previous_centres:
                start = np.asarray(previous_centres[k], dtype=np.float64).reshape(-1, 2)
            out[k] = polis_kmeans(base_centres, k, weights=base_weights, start=start)
        return out
    for k in k_values:
        fresh = kmeans(base_centres, k, weights=base_weights, seed=seed)
        init = None
        if previous_centres and k in previous_centres:
            init = np.asarray(previous_centres[k], dtype=np.float64).reshape(-1, 2)
        if init is None or len(init) != k:
            out[k] = fresh
            continue
        warm = kmeans(base_centres, k, weights=base_weights, init=init, seed=seed)
        # A warm start keeps groups stable but can stay stuck in an early, poor split; give it up
        # only when a fresh clustering is clearly tighter.
        w_in = weighted_inertia(base_centres, base_weights, *warm)
        f_in = weighted_inertia(base_centres, base_weights, *fresh)
        out[k] = fresh if f_in < (1.0 - WARM_START_SLACK) * w_in else warm
    return out


def weighted_inertia(points, weights, labels, centres) -> float:
    """Σ_i w_i ‖x_i − c_{label(i)}‖², the k-means objective."""
    d = ((np.asarray(points) - np.asarray(centres)[labels]) ** 2).sum(1)
    return float((np.asarray(weights, dtype=np.float64) * d).sum())


def choose_k(
    silhouettes: Mapping[int, float],
    previous: Mapping | None = None,
    *,
    buffer: int = GROUP_K_BUFFER,
    hysteresis: float | None = K_HYSTERESIS,
    ties_to_larger: bool = False,
) -> tuple[int, dict]:
    """Pick the number of groups from silhouette scores, damping flips between runs.

    Polis math, src/polismath/math/conversation.clj ``:group-k-smoother``: the best-scoring k is
    only shown once it has been best ``buffer`` runs in a row. We add a hysteresis: a k whose
    silhouette beats the shown k's by more than ``hysteresis`` is taken at once, since waiting four
    runs for a clearly better map helps nobody (``hysteresis=None`` is Polis' smoother exactly). Ties go to the
    smaller k, or with ``ties_to_larger`` to the larger, as Polis' ``(apply max-key silhouettes ks)`` does (it keeps
    the last of equal keys, and the ks ascend). Returns (k, new smoother state {"last_k", "last_k_count", "k"}).
    """
    if not silhouettes:
        return 0, {"last_k": None, "last_k_count": 0, "k": None}
    sign = -1 if ties_to_larger else 1
    best = min(silhouettes, key=lambda k: (-silhouettes[k], sign * k))
    previous = previous or {}
    last_k, last_count, shown = (
        previous.get("last_k"),
        int(previous.get("last_k_count") or 0),
        previous.get("k"),
    )
    count = last_count + 1 if last_k == best else 1
    if (
        shown not in silhouettes
        or best != shown
        and (count >= buffer or (hysteresis is not None and silhouettes[best] - silhouettes[shown] > hysteresis))
    ):
        k = best
    else:
        k = shown
    return int(k), {"last_k": int(best), "last_k_count": count, "k": int(k)}


# Polis' own k-means settings (conversation.clj opts: :base-iters 100; the group clusterings pass
# :cluster-iters, which clusters.clj ``kmeans`` does not read, so they run its default of 20), and
# ``same-clustering?``'s threshold: stop when no centre moved 0.01 or more.
POLIS_BASE_ITERS = 100
POLIS_GROUP_ITERS = 20
POLIS_SAME_CLUSTERING = 0.01


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` distinct rows in row order: Polis' ``init-clusters`` start for a fresh k-means."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def polis_kmeans(
    points: np.ndarray,
    k: int,
    *,
    weights: np.ndarray | None = None,
    start: np.ndarray | None = None,
    max_iter: int = POLIS_GROUP_ITERS,
) -> tuple[np.ndarray, np.ndarray]:
    """k-means as Polis runs it: deterministic, path-dependent, warm-started from the last run.

    Polis math src/polismath/math/clusters.clj ``kmeans``, ``init-clusters``, ``clean-start-clusters``,
    ``cluster-step``, ``same-clustering?``: without a previous clustering the first k distinct points (in
    participant order) are the centres; with one, its centres (de-duplicated) are kept and the point farthest
    from every centre opens a new cluster until there are min(k, distinct points). Each step assigns points to
    the nearest centre, drops clusters left empty and moves centres to the weighted mean; it stops when no
    centre moved 0.01 or after ``max_iter`` + 1 steps. Returns (labels, centres); the number of centres can end
    below k, as in Polis.
    """
    points = np.asarray(points, dtype=np.float64)
    n = len(points)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros((0, points.shape[1] if points.ndim == 2 else 2))
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    n_distinct = len(np.unique(points, axis=0))
    k = max(1, min(k, n_distinct))
    if start is not None and len(start):
        centres = _dedupe_rows(np.asarray(start, dtype=np.float64).reshape(-1, points.shape[1]))[:k]
        if len(centres) < k:
            centres = _grow_by_most_distal(points, centres, k)
    else:
        centres = first_distinct(points, k)
    labels = np.zeros(n, np.int64)
    for _ in range(max_iter + 1):
        nearest = _nearest(points, centres)
        mass = np.bincount(nearest, weights=w, minlength=len(centres))
        keep = mass > 0
        new = np.zeros((len(centres), points.shape[1]))
        for dim in range(points.shape[1]):
            new[:, dim] = np.bincount(nearest, weights=w * points[:, dim], minlength=len(centres))
        new = new[keep] / mass[keep][:, None]
        # The members are the ones just assigned; the centres their means (Polis returns this pair as it is).
        labels = (np.cumsum(keep) - 1)[nearest]
        same = _same_clustering(centres, new)
        centres = new
        if same:
            break
    return labels.astype(np.int64), centres


def _same_clustering(old: np.ndarray, new: np.ndarray) -> bool:
    """Polis' ``same-clustering?``: both centre lists sorted, paired in order (``zip`` stops at the shorter list,
    so a cluster that emptied does not by itself count as a change), every pair closer than 0.01."""
    m = min(len(old), len(new))
    a, b = _rows_sorted(old)[:m], _rows_sorted(new)[:m]
    return bool(np.all(np.sqrt(((a - b) ** 2).sum(1)) < POLIS_SAME_CLUSTERING))


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of each point's nearest centre (a k-d tree for many centres in the plane)."""
    if len(centres) > 8 and points.shape[1] <= 3:
        return cKDTree(centres).query(points)[1]
    return _sq_dists(points, centres, exact=False).argmin(1)


def _rows_sorted(rows: np.ndarray) -> np.ndarray:
    return rows[np.lexsort(rows.T[::-1])]
