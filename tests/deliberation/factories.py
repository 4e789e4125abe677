"""Factories and a planted-votes helper for the deliberation tests."""

from __future__ import annotations

import random

import factory

from tests.factories import OrganizationFactory
from xieshang.deliberation.models import Conversation, Participant, Statement, Vote


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"老旧小区加装电梯意见征集{n}")
    moderation = Conversation.Moderation.POST


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    conversation = factory.SubFactory(ConversationFactory)
    number = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"观点{n}：加装电梯应征求全体住户意见")
    status = Statement.Status.APPROVED


def planted(conversation, *, n_participants=40, n_statements=12, n_groups=2, seed=1, density=0.9):
    """Statements and votes with a planted group structure, written directly (fast); returns (statements, truth)."""
    rng = random.Random(seed)
    stance = [[rng.choice((-1, 1)) for _ in range(n_statements)] for _ in range(n_groups)]
    # One statement every group agrees with: the consensus the map should find.
    for g in range(n_groups):
        stance[g][0] = 1
    statements = Statement.objects.bulk_create(
        [
            Statement(conversation=conversation, number=j, text=f"观点 {j}", status=Statement.Status.APPROVED)
            for j in range(n_statements)
        ]
    )
    participants = Participant.objects.bulk_create(
        [Participant(conversation=conversation, number=i, anonymous_token=f"t{i}") for i in range(n_participants)]
    )
    truth = {}
    votes = []
    for p in participants:
        g = p.number % n_groups
        truth[p.number] = g
        for j, s in enumerate(statements):
            if rng.random() < density:
                value = stance[g][j] if rng.random() > 0.05 else 0
                votes.append(Vote(conversation=conversation, statement=s, participant=p, value=value))
    Vote.objects.bulk_create(votes)
    return statements, truth
