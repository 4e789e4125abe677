"""The opinion map: computed from the current votes by the "maps" task (tasks.recompute_opinion_map), never inside
a request. Requests ask for a run through services.map_request; this module only reads votes and stores the result."""

from __future__ import annotations

import logging

from django.db.models import Q
from django.utils import timezone

from .models import Conversation, OpinionMap, Statement, Vote

logger = logging.getLogger(__name__)


def moderated_out_numbers(conversation: Conversation) -> list[int]:
    """Statements that must not shape the map: removed ones, meta statements (as in Polis), and those still
    unreviewed under pre-moderation."""
    hidden = Q(status=Statement.Status.REJECTED) | Q(is_meta=True)
    if conversation.moderation == Conversation.Moderation.PRE:
        hidden |= Q(status=Statement.Status.PENDING)
    else:  # a statement the blocklist caught waits for staff (moderation app) even under post-moderation
        hidden |= Q(status=Statement.Status.PENDING) & ~Q(flagged="")
    return list(Statement.objects.filter(conversation=conversation).filter(hidden).values_list("number", flat=True))


def map_compute(conversation_id: int) -> OpinionMap | None:
    """Recompute and store the map from the current votes, passing the previous state back in for stability."""
    import numpy as np

    from .math import VoteMatrix, compute_opinion_map

    started = timezone.now()
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return None
    opinion_map, _created = OpinionMap.objects.get_or_create(conversation=conversation)
    # Clear the flag before reading votes: a vote landing during the computation asks for the next run.
    OpinionMap.objects.filter(pk=opinion_map.pk).update(pending=False)
    rows = list(
        Vote.objects.filter(conversation=conversation)
        .order_by("created_at", "id")
        .values_list("participant__number", "statement__number", "value")
    )
    numbers = list(Statement.objects.filter(conversation=conversation).values_list("number", flat=True))
    moderated = moderated_out_numbers(conversation)
    state = opinion_map.state or None
    if rows:
        arr = np.asarray(rows, dtype=np.int64)
        matrix = VoteMatrix.from_arrays(arr[:, 0], arr[:, 1], arr[:, 2], extra_statement_ids=numbers)
        result = compute_opinion_map(matrix, moderated_out=moderated, state=state)
        summary = summarise(result, n_participants=matrix.shape[0], n_votes=len(rows))
        new_state, seconds = result.state, result.seconds
    else:
        summary = summarise(None, n_participants=0, n_votes=0)
        new_state, seconds = {}, 0.0
    updated = (
        OpinionMap.objects.filter(pk=opinion_map.pk)
        .filter(Q(source_started_at__isnull=True) | Q(source_started_at__lte=started))
        .update(
            state=new_state,
            result=summary,
            computed_at=timezone.now(),
            source_started_at=started,
            seconds=seconds,
            n_votes=len(rows),
            error="",
        )
    )
    if not updated:
        logger.info("opinion map of conversation %s: a newer run already stored its result", conversation_id)
    opinion_map.refresh_from_db()
    return opinion_map


def _pct(num, den) -> int | None:
    return round(100 * num / den) if den else None


def summarise(result, *, n_participants: int, n_votes: int) -> dict:
    """What the map page shows, JSON-ready: points, groups with their representative statements, consensus.

    Agree percentages are raw shares of those who voted on the statement (not Polis' smoothed probabilities), in
    the group and among the other mapped participants."""
    empty = {
        "k": 0,
        "n_participants": n_participants,
        "n_in_map": 0,
        "n_votes": n_votes,
        "points": [],
        "groups": [],
        "consensus": {"agree": [], "disagree": []},
    }
    if result is None or not result.k or result.stats is None:
        if result is not None:
            empty["n_in_map"] = len(result.participant_ids)
        return empty
    stats = result.stats
    index = {sid: j for j, sid in enumerate(result.statement_ids)}
    na, nd, ns = stats.na, stats.nd, stats.ns
    tot_a, tot_d, tot_s = na.sum(axis=0), nd.sum(axis=0), ns.sum(axis=0)

    def shares(g: int, j: int) -> dict:
        out_s = int(tot_s[j] - ns[g, j])
        return {
            "agree_in": _pct(int(na[g, j]), int(ns[g, j])),
            "disagree_in": _pct(int(nd[g, j]), int(ns[g, j])),
            "n_in": int(ns[g, j]),
            "agree_out": _pct(int(tot_a[j] - na[g, j]), out_s),
            "disagree_out": _pct(int(tot_d[j] - nd[g, j]), out_s),
            "n_out": out_s,
        }

    groups = []
    for g in range(result.k):
        reps = []
        for item in result.representative.get(g, []):
            j = index[item["statement_id"]]
            reps.append({"statement": int(item["statement_id"]), "repful_for": item["repful_for"], **shares(g, j)})
        groups.append({"id": g, "size": int(result.group_sizes[g]), "representative": reps})

    consensus = {}
    for key in ("agree", "disagree"):
        items = []
        for sid in result.consensus.get(key, []):
            j = index[sid]
            items.append(
                {
                    "statement": int(sid),
                    "agree": _pct(int(tot_a[j]), int(tot_s[j])),
                    "disagree": _pct(int(tot_d[j]), int(tot_s[j])),
                    "n": int(tot_s[j]),
                    "by_group": [
                        _pct(int((na if key == "agree" else nd)[g, j]), int(ns[g, j])) for g in range(result.k)
                    ],
                }
            )
        consensus[key] = items
    points = [[round(x, 4), round(y, 4), int(result.groups[p]), int(p)] for p, (x, y) in result.positions.items()]
    # Participants with too few votes to be clustered: placed by their votes, given the nearest group, counted in
    # no statistic; kept apart so that the page can draw them as such.
    projected = [
        [round(x, 4), round(y, 4), int(result.projected_groups[p]), int(p)]
        for p, (x, y) in result.projected_positions.items()
    ]
    return {
        "k": int(result.k),
        "n_participants": n_participants,
        "n_in_map": len(result.participant_ids),
        "n_votes": n_votes,
        "points": points,
        "projected_points": projected,
        "groups": groups,
        "consensus": consensus,
    }
