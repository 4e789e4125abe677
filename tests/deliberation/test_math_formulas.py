"""Each formula against a small case whose answer is worked out by hand in the comments."""

import math

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_score

from xieshang.deliberation.math import VoteMatrix, compute_opinion_map
from xieshang.deliberation.math.clustering import choose_k, kmeans, max_group_k, polis_kmeans, silhouette
from xieshang.deliberation.math.consensus import (
    group_aware_consensus,
    select_consensus_group_aware,
    select_consensus_overall,
)
from xieshang.deliberation.math.pca import (
    centered_matrix,
    column_means,
    pca_components,
    sparsity_aware_projection,
)
from xieshang.deliberation.math.pipeline import in_map_participants, polis_row_order
from xieshang.deliberation.math.repness import (
    group_stats,
    probability,
    prop_test,
    select_representative,
    two_prop_test,
)


def test_probability_has_one_pseudo_vote_each_way():
    assert probability(3, 4) == pytest.approx(4 / 6)
    assert probability(0, 0) == pytest.approx(0.5)


def test_prop_test_by_hand():
    # s = 3+1, n = 4+1: 2·√5·(4/5 − 1/2) = 0.6·√5
    assert prop_test(3, 4) == pytest.approx(0.6 * math.sqrt(5))
    # no votes: s = n = 1, so 2·1·(1 − 1/2) = 1
    assert prop_test(0, 0) == pytest.approx(1.0)


def test_two_prop_test_by_hand():
    # s1=4, s2=2, n1=n2=5: p1=.8, p2=.4, p̂=.6; z = .4 / √(.6·.4·(.2+.2))
    assert two_prop_test(3, 1, 4, 4) == pytest.approx(0.4 / math.sqrt(0.096))
    # p̂ = 1 is Polis' degenerate case: z = 0
    assert two_prop_test(4, 4, 4, 4) == 0.0


def test_group_stats_and_repness_two_opposed_groups():
    # statement 0: group 0 all agree (3/3), group 1 all disagree (3/3)
    # statement 1: everybody passes
    na = np.array([[3, 0], [0, 0]])
    nd = np.array([[0, 0], [3, 0]])
    ns = np.array([[3, 3], [3, 3]])
    st = group_stats(na, nd, ns)
    assert st.pa[0, 0] == pytest.approx(4 / 5)
    # rest of group 0 is group 1: (1+0)/(2+3) = 1/5, so ra = (4/5)/(1/5) = 4
    assert st.ra[0, 0] == pytest.approx(4.0)
    # s1=4, s2=1, n1=n2=4: p1=1, p2=.25, p̂=5/8
    expected = 0.75 / math.sqrt(5 / 8 * 3 / 8 * 0.5)
    assert st.rat[0, 0] == pytest.approx(expected)
    assert st.rdt[1, 0] == pytest.approx(expected)
    assert st.n_pass[0, 1] == 3
    reps = select_representative(st, np.array([10, 11]), np.array([False, False]))
    assert [r["statement_id"] for r in reps[0]] == [10]
    assert reps[0][0]["repful_for"] == "agree"
    assert [r["statement_id"] for r in reps[1]] == [10]
    assert reps[1][0]["repful_for"] == "disagree"
    # moderated-out statements are never representative
    reps = select_representative(st, np.array([10, 11]), np.array([True, False]))
    assert all(r["statement_id"] != 10 for g in reps for r in g)


def test_representative_keeps_at_most_five_and_agrees_first():
    rng = np.random.default_rng(1)
    ns = np.full((2, 30), 40)
    na = np.vstack([rng.integers(30, 40, 30), rng.integers(0, 5, 30)])
    nd = np.vstack([rng.integers(0, 3, 30), rng.integers(30, 35, 30)])
    st = group_stats(na, nd, ns)
    reps = select_representative(st, np.arange(30), np.zeros(30, bool))
    for group in reps:
        assert 1 <= len(group) <= 5
        kinds = [r["repful_for"] for r in group]
        assert kinds == sorted(kinds)  # "agree" < "disagree"


def test_group_aware_consensus_is_product_over_groups():
    na = np.array([[3], [1]])
    nd = np.array([[0], [1]])
    ns = np.array([[4], [3]])
    gac = group_aware_consensus(na, nd, ns)
    assert gac["agree"][0] == pytest.approx((4 / 6) * (2 / 5))
    assert gac["disagree"][0] == pytest.approx((1 / 6) * (2 / 5))


def test_consensus_selection_needs_every_group():
    # statement 0: both groups 9/10 agree; statement 1: group 0 agrees, group 1 disagrees;
    # statement 2: both 9/10 disagree; statement 3 like 0 but moderated out
    na = np.array([[9, 9, 0, 9], [9, 0, 0, 9]])
    nd = np.array([[0, 0, 9, 0], [0, 9, 9, 0]])
    ns = np.full((2, 4), 10)
    ids = np.array([100, 101, 102, 103])
    excluded = np.array([False, False, False, True])
    out = select_consensus_group_aware(na, nd, ns, ids, excluded)
    assert out == {"agree": [100], "disagree": [102]}
    overall = select_consensus_overall(na.sum(0), nd.sum(0), ns.sum(0), ids, excluded)
    assert 103 not in overall["agree"]
    assert overall["agree"][0] == 100


def test_silhouette_by_hand_and_against_sklearn():
    pts = np.array([[0.0, 0], [1, 0], [10, 0], [11, 0]])
    labels = np.array([0, 0, 1, 1])
    # a=1 for all; b = 10.5 for the outer points, 9.5 for the inner ones
    expected = ((10.5 - 1) / 10.5 + (9.5 - 1) / 9.5) / 2
    assert silhouette(pts, labels) == pytest.approx(expected)
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(40, 2))
    labels = rng.integers(0, 3, 40)
    assert silhouette(pts, labels) == pytest.approx(silhouette_score(pts, labels))
    assert silhouette(pts, np.zeros(40)) == -1.0


def test_kmeans_finds_planted_blobs_and_weights_move_centres():
    rng = np.random.default_rng(0)
    a = rng.normal(0, 0.1, size=(30, 2))
    b = rng.normal(5, 0.1, size=(30, 2))
    labels, centres = kmeans(np.vstack([a, b]), 2, seed=3)
    assert len(set(labels[:30])) == 1 and len(set(labels[30:])) == 1
    assert labels[0] != labels[-1]
    # weighted mean: 3 points on a line, the heavy one pulls the single centre
    pts = np.array([[0.0, 0], [1, 0], [2, 0]])
    _l, c = kmeans(np.vstack([pts, [[100.0, 0]]]), 2, weights=np.array([1, 1, 2, 1.0]), seed=0)
    assert sorted(c[:, 0].round(6).tolist()) == [1.25, 100.0]


def test_max_group_k_follows_polis():
    assert max_group_k(100) == 5
    assert max_group_k(12) == 3  # 2 + 12 // 12
    assert max_group_k(3) == 2
    assert max_group_k(2) == 1


def test_choose_k_hysteresis_and_buffer():
    k, st = choose_k({2: 0.5, 3: 0.4})
    assert k == 2 and st == {"last_k": 2, "last_k_count": 1, "k": 2}
    # 3 is best but only slightly, and only once: keep 2
    k, st = choose_k({2: 0.50, 3: 0.52}, st)
    assert k == 2 and st["last_k"] == 3 and st["last_k_count"] == 1
    # clearly better (by more than the hysteresis): switch at once
    k, _ = choose_k({2: 0.40, 3: 0.52}, {"last_k": 2, "last_k_count": 5, "k": 2})
    assert k == 3
    # slightly better four runs in a row: Polis' buffer lets it through
    prev = {"last_k": 3, "last_k_count": 3, "k": 2}
    k, st = choose_k({2: 0.50, 3: 0.52}, prev)
    assert k == 3 and st["last_k_count"] == 4


def test_column_means_and_sparsity_aware_projection_by_hand():
    # A: agree s1; B: disagree s1, agree s2; C: agree s1, agree s2
    vm = VoteMatrix.from_triples([("A", 1, 1), ("B", 1, -1), ("B", 2, 1), ("C", 1, 1), ("C", 2, 1)])
    active = np.array([True, True])
    means = column_means(vm, active)
    assert means.tolist() == pytest.approx([1 / 3, 1.0])
    c = centered_matrix(vm, means, active)
    np.testing.assert_allclose(c.toarray(), [[2 / 3, 0], [-4 / 3, 0], [2 / 3, 0]])
    proj = sparsity_aware_projection(c, np.eye(2), vm.votes_per_participant(), 2)
    # A voted once of two statements: scaled by √2
    assert proj[:, 0].tolist() == pytest.approx([2 / 3 * math.sqrt(2), -4 / 3, 2 / 3])
    # moderated-out statement: its column is zeroed and its mean ignored
    means = column_means(vm, np.array([True, False]))
    assert means[1] == 0.0
    assert centered_matrix(vm, means, np.array([True, False])).toarray()[:, 1].tolist() == [0, 0, 0]


def test_pca_first_axis_of_two_opposed_camps():
    x = np.array([[1, 1, -1], [1, 1, -1], [-1, -1, 1], [-1, -1, 1]])
    trip = [(i, j, int(x[i, j])) for i in range(4) for j in range(3)]
    vm = VoteMatrix.from_triples(trip)
    active = np.ones(3, bool)
    c = centered_matrix(vm, column_means(vm, active), active)
    comps, var = pca_components(c, 2)
    assert abs(comps[0] @ (np.array([1, 1, -1]) / math.sqrt(3))) == pytest.approx(1.0)
    assert var[0] == pytest.approx(3.0)  # every row has squared norm 3 along the axis
    assert var[1] == pytest.approx(0.0, abs=1e-12)


def test_sparse_lanczos_path_matches_dense_svd(monkeypatch):
    import xieshang.deliberation.math.pca as pca

    rng = np.random.default_rng(0)
    n, m = 300, 60
    trip = [(i, j, int(rng.choice([-1, 0, 1]))) for i in range(n) for j in range(m) if rng.random() < 0.3]
    vm = VoteMatrix.from_triples(trip)
    active = np.ones(vm.shape[1], bool)
    c = centered_matrix(vm, column_means(vm, active), active)
    dense, dvar = pca_components(c, 2)
    monkeypatch.setattr(pca, "DENSE_LIMIT", 0)
    sparse, svar = pca_components(c, 2, seed=5)
    assert svar == pytest.approx(dvar, rel=1e-8)
    for i in range(2):
        assert abs(dense[i] @ sparse[i]) == pytest.approx(1.0, abs=1e-8)
    # signs follow a previous run's axes when given
    flipped, _ = pca_components(c, 2, seed=5, start=-dense)
    assert (flipped[0] @ dense[0]) < 0


def test_in_map_rule_min_seven_or_all_and_stays_in():
    trip = [("six", s, 1) for s in range(6)] + [("seven", s, 1) for s in range(7)]
    trip += [("one", 0, -1)] + [("x", s, 0) for s in range(10)]
    # 14 more regulars, so that 16 qualify and Polis' greedy top-up to 15 does not apply
    trip += [(f"r{i:02d}", s, 1) for i in range(14) for s in range(8)]
    vm = VoteMatrix.from_triples(trip)
    ids = vm.participant_ids.tolist()
    regulars = {f"r{i:02d}" for i in range(14)}
    mask = in_map_participants(vm)
    assert {ids[i] for i in np.flatnonzero(mask)} == {"seven", "x"} | regulars
    mask = in_map_participants(vm, previous=["one"])
    assert {ids[i] for i in np.flatnonzero(mask)} == {"seven", "x", "one"} | regulars
    # fewer than 15 qualify: the most active others top the map up to 15 (Polis' greedy-n), most votes first
    few = VoteMatrix.from_triples(trip[:24] + [(f"r{i:02d}", 0, 1) for i in range(14)])
    fids = few.participant_ids.tolist()
    taken = {fids[i] for i in np.flatnonzero(in_map_participants(few))}
    assert len(taken) == 15 and {"seven", "x", "six"} <= taken
    # with only 3 statements, 3 votes suffice
    extra = [(f"q{i:02d}", s, 1) for i in range(15) for s in range(3)]
    small = VoteMatrix.from_triples([("a", s, 1) for s in range(3)] + [("b", 0, 1)] + extra)
    assert in_map_participants(small).tolist()[:2] == [True, False]


def test_polis_row_order_by_lowest_statement_then_participant():
    # Polis reads votes ordered by (statement, participant) and adds a row when it first sees a participant.
    vm = VoteMatrix.from_triples(
        [("a", 5, 1), ("b", 2, -1), ("b", 9, 1), ("c", 2, 0), ("d", 1, 1), ("e", 9, -1), ("a", 7, 1)]
    )
    rows = np.arange(vm.shape[0])
    assert vm.participant_ids[polis_row_order(vm, rows)].tolist() == ["d", "b", "c", "a", "e"]
    # a subset keeps its own positions: the permutation indexes into the rows given
    sub = np.array([0, 4, 1])  # a, e, b
    assert polis_row_order(vm, sub).tolist() == [2, 0, 1]


def test_polis_kmeans_returns_the_last_steps_members_with_their_means():
    # Polis' kmeans returns the clusters of its last step: members assigned to the previous centres, centres moved
    # to their means; it does not reassign the members to the moved centres.
    pts = np.array([[0.0, 0], [1, 0], [2, 0], [10, 0]])
    labels, centres = polis_kmeans(pts, 2, max_iter=0)  # one step from the first two distinct points
    assert labels.tolist() == [0, 1, 1, 1]
    np.testing.assert_allclose(centres, [[0, 0], [13 / 3, 0]])
    # run to convergence, it settles on {0, 1, 2} and {10}
    labels, centres = polis_kmeans(pts, 2)
    assert labels.tolist() == [0, 0, 0, 1]
    np.testing.assert_allclose(centres, [[1, 0], [10, 0]])


def test_choose_k_ties_follow_polis_max_key():
    assert choose_k({2: 0.4, 3: 0.4}, hysteresis=None)[0] == 2
    # Polis' (apply max-key silhouettes (2 3 ...)) keeps the last of equal scores: the larger k
    assert choose_k({2: 0.4, 3: 0.4}, hysteresis=None, ties_to_larger=True)[0] == 3


def test_statements_without_votes_are_not_polis_columns():
    # Polis' matrix gets a column when a statement gets its first vote: n-cmts (the sparsity scaling's numerator,
    # and the in-conv threshold min(7, n-cmts)) counts voted statements only, moderated-out ones included.
    triples = [(p, s, 1 if (p + s) % 3 else -1) for p in range(20) for s in range(5)]
    base = VoteMatrix.from_triples(triples)
    padded = VoteMatrix.from_triples(triples, extra_statement_ids=[5, 6, 7])
    assert padded.shape[1] == 8 and in_map_participants(padded).sum() == 20  # 5 votes each, min(7, 5) = 5
    a = compute_opinion_map(base, moderated_out=[4])
    b = compute_opinion_map(padded, moderated_out=[4, 6])
    pa, pb = (np.array([r.positions[i] for i in range(20)]) for r in (a, b))
    sign = np.sign((pa * pb).sum(0))  # an axis' sign is arbitrary
    np.testing.assert_allclose(pa, pb * sign, atol=1e-9)
    assert a.k == b.k and adjusted_rand_score(list(a.groups.values()), list(b.groups.values())) == 1.0
