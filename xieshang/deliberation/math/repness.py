"""Per-group statement statistics and representative statements.

Polis math, clojure src/polismath/math/repness.clj and src/polismath/math/stats.clj. Vote counts
n_agree (na), n_disagree (nd), n_seen (ns: agree + disagree + pass) per group and statement; every
formula below is vectorised over (group, statement).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# One-sided 90 % critical value of the normal distribution, as hard-coded in Polis math
# src/polismath/math/stats.clj ``z-sig-90?``.
Z_90 = 1.2816
PICK_MAX = 5


def probability(n_success, n_trials):
    """Laplace-smoothed proportion (1 + n_success) / (2 + n_trials).

    Polis math src/polismath/math/repness.clj ``comment-stats-graphimpl`` (:pa, :pd) and
    src/polismath/math/conversation.clj ``:group-aware-consensus`` ("+1 acts as a dumb prior").
    """
    return (1.0 + np.asarray(n_success, dtype=np.float64)) / (2.0 + np.asarray(n_trials, dtype=np.float64))


def prop_test(n_success, n_trials):
    """One-proportion z-score against 1/2, with one pseudo-count added to each count.

    Polis math src/polismath/math/stats.clj ``prop-test``: 2·sqrt(n+1)·((s+1)/(n+1) − 1/2).
    """
    s = np.asarray(n_success, dtype=np.float64) + 1.0
    n = np.asarray(n_trials, dtype=np.float64) + 1.0
    return 2.0 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(succ_in, succ_out, n_in, n_out):
    """Two-proportion z-score (in-group vs rest), one pseudo-count added to each of the four counts.

    Polis math src/polismath/math/stats.clj ``two-prop-test``:
    p1 = s1/n1, p2 = s2/n2, p̂ = (s1+s2)/(n1+n2), z = (p1 − p2) / sqrt(p̂(1 − p̂)(1/n1 + 1/n2)),
    and z = 0 when p̂ = 1 (Polis' guard against dividing by zero).
    """
    s1 = np.asarray(succ_in, dtype=np.float64) + 1.0
    s2 = np.asarray(succ_out, dtype=np.float64) + 1.0
    n1 = np.asarray(n_in, dtype=np.float64) + 1.0
    n2 = np.asarray(n_out, dtype=np.float64) + 1.0
    p1, p2 = s1 / n1, s2 / n2
    phat = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(phat * (1.0 - phat) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / denom
    return np.where(phat >= 1.0, 0.0, z)


def z_sig_90(z) -> np.ndarray:
    """One-sided significance at 90 %: z > 1.2816 (Polis math src/polismath/math/stats.clj)."""
    return np.asarray(z) > Z_90


@dataclass(frozen=True)
class GroupStats:
    """Arrays of shape (n_groups, n_statements): counts, probabilities, tests, representativeness."""

    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray

    @property
    def n_pass(self) -> np.ndarray:
        return self.ns - self.na - self.nd


def group_counts(
    agree: sp.csr_matrix, disagree: sp.csr_matrix, voted: sp.csr_matrix, labels: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(na, nd, ns) per group × statement from 0/1 indicator matrices of the grouped participants."""
    n = agree.shape[0]
    member = sp.csr_matrix((np.ones(n), (np.asarray(labels), np.arange(n))), shape=(k, n))

    def dense(m):
        return np.asarray((member @ m).todense(), dtype=np.int64)

    return dense(agree), dense(disagree), dense(voted)


def group_stats(na: np.ndarray, nd: np.ndarray, ns: np.ndarray) -> GroupStats:
    """Per-group statistics and representativeness against the rest of the participants.

    Polis math src/polismath/math/repness.clj ``comment-stats`` and ``add-comparitive-stats``:
    pa = (1+na)/(2+ns), pat = prop-test(na, ns); ra = pa / ((1 + na_rest)/(2 + ns_rest)) and
    rat = two-prop-test(na, na_rest, ns, ns_rest), where "rest" sums the other groups; likewise for
    disagree. See also Small et al. 2021, "Polis: Scaling deliberation by mapping high dimensional
    opinion spaces", on representative comments.
    """
    na, nd, ns = (np.asarray(a, dtype=np.int64) for a in (na, nd, ns))
    na_rest = na.sum(0, keepdims=True) - na
    nd_rest = nd.sum(0, keepdims=True) - nd
    ns_rest = ns.sum(0, keepdims=True) - ns
    pa, pd = probability(na, ns), probability(nd, ns)
    return GroupStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / probability(na_rest, ns_rest),
        rd=pd / probability(nd_rest, ns_rest),
        rat=two_prop_test(na, na_rest, ns, ns_rest),
        rdt=two_prop_test(nd, nd_rest, ns, ns_rest),
    )


def _finalize(stats: GroupStats, g: int, j: int, statement_id) -> dict:
    """Polis math src/polismath/math/repness.clj ``finalize-cmt-stats``: agree if rat > rdt."""
    agree = stats.rat[g, j] > stats.rdt[g, j]
    if agree:
        n_s, p_s, p_t, r, r_t = stats.na, stats.pa, stats.pat, stats.ra, stats.rat
    else:
        n_s, p_s, p_t, r, r_t = stats.nd, stats.pd, stats.pdt, stats.rd, stats.rdt
    return {
        "statement_id": statement_id,
        "repful_for": "agree" if agree else "disagree",
        "n_success": int(n_s[g, j]),
        "n_trials": int(stats.ns[g, j]),
        "p_success": float(p_s[g, j]),
        "p_test": float(p_t[g, j]),
        "repness": float(r[g, j]),
        "repness_test": float(r_t[g, j]),
    }


def repness_metric(item: dict) -> float:
    """Polis math src/polismath/math/repness.clj ``repness-metric``: repness · test · p · p-test."""
    return item["repness"] * item["repness_test"] * item["p_success"] * item["p_test"]


def select_representative(
    stats: GroupStats,
    statement_ids: np.ndarray,
    excluded: np.ndarray,
    pick_max: int = PICK_MAX,
) -> list[list[dict]]:
    """Representative statements of each group, as Polis' ``select-rep-comments`` picks them.

    Polis math src/polismath/math/repness.clj ``select-rep-comments``, ``passes-by-test?``,
    ``beats-best-by-test?``, ``beats-best-agr?``, ``agrees-before-disagrees``:
    a statement is sufficient for a group when (rat and pat) or (rdt and pdt) are significant at
    90 %; sufficient ones are ranked by ra·rat·pa·pat (or the disagree analogue), the group's best
    agreed statement is put first, the top ``pick_max`` kept and agrees listed before disagrees.
    When nothing is sufficient the single best statement (by agree, else by repness test) stands
    in, so each group has at least one. ``excluded`` (moderated-out) statements are never picked.
    """
    n_groups, n_stmt = stats.na.shape
    sig = (z_sig_90(stats.rat) & z_sig_90(stats.pat)) | (z_sig_90(stats.rdt) & z_sig_90(stats.pdt))
    out = []
    top = np.maximum(stats.rat, stats.rdt)
    for g in range(n_groups):
        cand = np.flatnonzero(sig[g] & ~excluded)
        sufficient = [_finalize(stats, g, j, statement_ids[j]) for j in cand]
        best = None
        if not sufficient:
            # Polis keeps the first statement with the highest max(rat, rdt) as a stand-in.
            open_ = np.flatnonzero(~excluded)
            if len(open_):
                j = open_[int(np.argmax(top[g, open_]))]
                best = _finalize(stats, g, j, statement_ids[j])
        best_agree = _best_agree(stats, g, excluded)
        head: list[dict] = []
        if best_agree is not None:
            item = _finalize(stats, g, best_agree, statement_ids[best_agree])
            item["best_agree"] = True
            head = [item]
        elif best is not None:
            head = [best]
        if not sufficient:
            out.append(head)
            continue
        head_ids = {h["statement_id"] for h in head if h.get("best_agree")}
        ranked = sorted(
            (s for s in sufficient if s["statement_id"] not in head_ids),
            key=lambda s: -repness_metric(s),
        )
        chosen = ([head[0]] if head_ids else []) + ranked
        chosen = chosen[:pick_max]
        out.append(
            [c for c in chosen if c["repful_for"] == "agree"] + [c for c in chosen if c["repful_for"] == "disagree"]
        )
    return out


def _best_agree(stats: GroupStats, g: int, excluded: np.ndarray) -> int | None:
    """Polis math src/polismath/math/repness.clj ``beats-best-agr?``, folded over statements in order.

    The test depends on the current best (by ra·rat·pa·pat once the best has ra > 1, else by
    pa·pat), so this is a sequential scan; Python lists keep it cheap for thousands of statements.
    """
    na, nd = stats.na[g].tolist(), stats.nd[g].tolist()
    ra, rat, pa, pat = (a[g].tolist() for a in (stats.ra, stats.rat, stats.pa, stats.pat))
    skip = excluded.tolist()
    best = None
    for j in range(len(na)):
        if skip[j] or (na[j] == 0 and nd[j] == 0):
            continue
        if best is None:
            ok = pat[j] > Z_90 or (ra[j] > 1.0 and pa[j] > 0.5)
        elif ra[best] > 1.0:
            ok = ra[j] * rat[j] * pa[j] * pat[j] > ra[best] * rat[best] * pa[best] * pat[best]
        else:
            ok = pa[j] * pat[j] > pa[best] * pat[best]
        if ok:
            best = j
    return best
