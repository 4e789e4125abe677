"""Consensus statements: overall (Polis ``select-consensus-comments``) and group-aware."""

from __future__ import annotations

import numpy as np

from .repness import PICK_MAX, Z_90, probability, prop_test


def group_aware_consensus(na: np.ndarray, nd: np.ndarray, ns: np.ndarray) -> dict[str, np.ndarray]:
    """Product over groups of the smoothed agree (and disagree) probability of each statement.

    Polis math, clojure src/polismath/math/conversation.clj ``:group-aware-consensus``:
    Π_g (1 + A_g) / (2 + S_g), with S_g the group's votes (agree, disagree and pass) on the statement;
    the disagree score is the same product with D_g (as red-dwarf's reddwarf/utils/stats.py does).
    A statement scores high only if every group leans that way. Arrays are (n_groups, n_statements).
    """
    return {
        "agree": np.prod(probability(na, ns), axis=0),
        "disagree": np.prod(probability(nd, ns), axis=0),
    }


def select_consensus_overall(
    na: np.ndarray,
    nd: np.ndarray,
    ns: np.ndarray,
    statement_ids: np.ndarray,
    excluded: np.ndarray,
    pick_max: int = PICK_MAX,
) -> dict[str, list]:
    """Polis' consensus statements over all participants, regardless of groups.

    Polis math src/polismath/math/repness.clj ``select-consensus-comments``: keep statements with
    pa > 0.5 and prop-test(na, ns) significant at 90 %, sort by pa · pat, take the top five; the
    same with pd / pdt for "disagree". Arguments are 1-D over statements.
    """
    out = {}
    for key, n_s in (("agree", na), ("disagree", nd)):
        p, t = probability(n_s, ns), prop_test(n_s, ns)
        ok = (p > 0.5) & (t > Z_90) & ~excluded
        idx = np.flatnonzero(ok)
        idx = idx[np.argsort(-(p * t)[idx], kind="stable")][:pick_max]
        out[key] = [statement_ids[i] for i in idx]
    return out


def select_consensus_group_aware(
    na: np.ndarray,
    nd: np.ndarray,
    ns: np.ndarray,
    statement_ids: np.ndarray,
    excluded: np.ndarray,
    pick_max: int = PICK_MAX,
) -> dict[str, list]:
    """Statements every opinion group agrees (or disagrees) with, best group-aware consensus first.

    Combines Polis' two consensus notions (src/polismath/math/repness.clj
    ``select-consensus-comments``'s filter p > 0.5 with a 90 % prop-test, and
    src/polismath/math/conversation.clj ``:group-aware-consensus``'s ranking): a statement is listed
    as "agree" when in *each* group pa_g = (1+na_g)/(2+ns_g) > 0.5 — i.e. a strict majority of the
    group's votes agree — and prop-test(na_g, ns_g) > 1.2816; ranked by Π_g pa_g; top five.
    "disagree" likewise. This is what the opinion map shows as common ground, so a statement that
    only one large group likes cannot pass for consensus. Arguments are (n_groups, n_statements).
    """
    scores = group_aware_consensus(na, nd, ns)
    out = {}
    for key, n_s in (("agree", na), ("disagree", nd)):
        if n_s.shape[0] == 0:
            out[key] = []
            continue
        p, t = probability(n_s, ns), prop_test(n_s, ns)
        ok = np.all((p > 0.5) & (t > Z_90), axis=0) & ~excluded
        idx = np.flatnonzero(ok)
        idx = idx[np.argsort(-scores[key][idx], kind="stable")][:pick_max]
        out[key] = [statement_ids[i] for i in idx]
    return out
