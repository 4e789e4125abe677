"""The demo's follows (关注): the demo resident follows two public consultations, an open call and a public outcome
(his room he follows already, from the consultations builder); some residents follow consultations and outcomes,
some members public proposals; a few choose weekly or e-mail. Through notifications.services.follow, after the
domains' history is written, so the digests carry only what happens from now on (manage.py send_digests, daily)."""

from __future__ import annotations

from xieshang.consultations import selectors as consultations
from xieshang.notifications.services import follow
from xieshang.proposals.page_queries import public_proposals

from .registry import DemoContext


def build(ctx: DemoContext) -> None:
    data, rng = ctx.data, ctx.rng
    organization = data["organization"]
    resident = data["accounts"].get("resident")
    residents = [r for r in data["residents"] if resident is None or r.pk != resident.pk][:30]
    members = list(data["members"])[:30]
    public = list(consultations.public_consultations().filter(hosts=organization)[:8])
    outcomes = list(consultations.public_outcomes(organization=organization).order_by("pk")[:8])
    calls = list(consultations.open_calls(organization)[:2])
    proposals = list(public_proposals(organization)[:10])
    n = 0
    if resident is not None:
        for obj in [*public[:2], *calls[:1], *outcomes[:1]]:
            follow(user=resident, obj=obj)
            n += 1
    for person in residents:
        for obj in rng.sample(public + outcomes, k=min(2, len(public + outcomes))):
            follow(
                user=person,
                obj=obj,
                frequency="weekly" if rng.random() < 0.3 else "daily",
                channel="email" if person.email and rng.random() < 0.2 else "inapp",
            )
            n += 1
    for person in members:
        for obj in rng.sample(proposals, k=min(1, len(proposals))):
            follow(user=person, obj=obj, frequency="weekly" if rng.random() < 0.5 else "daily")
            n += 1
    ctx.say(f"  follows: {n} (the demo resident follows {4 if resident else 0})")
