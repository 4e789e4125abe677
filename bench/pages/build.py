"""The page benchmark's data: organizations, 1,000 members, units, N proposals over several years in every state,
their assignments, co-signatures, replies in every reply state (published or not), ratings, workflow events, and
the search documents of proposals and replies, all bulk-loaded (a benchmark of pages needs volume, not a simulated
history; the demo builder is the one that walks proposals through the services).

`build(n)` is idempotent per database: a rerun finds the data (a marker counter) and returns the cast."""

from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))

from generate import generate  # noqa: E402  (bench/search/generate.py: seeded Chinese proposals)

from xieshang.accounts.models import HandlingUnit, Organization, Role, RoleGrant, User  # noqa: E402
from xieshang.proposals.models import (  # noqa: E402
    Assignment,
    Category,
    CoSignature,
    Proposal,
    Rating,
    Reply,
)
from xieshang.workflow.models import Workflow  # noqa: E402

YEARS = (2024, 2025, 2026)
ORGS = (
    ("bench", "基准市政协", "city", 0.8),
    ("benchd1", "基准一区政协", "district", 0.1),
    ("benchd2", "基准二区政协", "district", 0.1),
)
MEMBERS = 1000
UNITS = {"bench": 60, "benchd1": 12, "benchd2": 12}
# (state, weight): most proposals of past years are closed or archived; the current year is spread over the flow.
STATE_MIX = [
    ("draft", 2), ("submitted", 3), ("under_review", 4), ("numbered", 3), ("assigned", 6), ("handling", 20),
    ("countersigning", 3), ("supervisor_review", 4), ("replied", 5), ("rated", 2), ("closed", 18), ("archived", 30),
]  # fmt: skip
PATH = ["draft", "submitted", "pre_accepted", "under_review", "filed", "classified", "numbered",
        "assignment_pending", "assignment_approved", "assigned", "handling", "countersigning",
        "supervisor_review", "replied", "rated", "confirmed", "closed", "archived"]  # fmt: skip
REPLY_STATUS = {"countersigning": "countersigning", "supervisor_review": "in_review"}
MARKER = "bench_pages"


@dataclass
class Cast:
    """Who signs in for each role and what the pages point at."""

    org: Organization
    users: dict[str, User] = field(default_factory=dict)
    proposal_id: int = 0  # a proposal in handling with replies, events, co-signatures (staff page)
    public_id: int = 0  # a proposal with a published reply
    n: int = 0


def _org_people(code: str, name: str, level: str, members: int, rng: random.Random):
    org, _ = Organization.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": name[:4], "level": level}
    )
    people = {}
    for role in (Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER):
        people[role], _ = User.objects.get_or_create(username=f"{code}_{role}", defaults={"name": f"{name}{role}"})
        RoleGrant.objects.get_or_create(user=people[role], organization=org, role=role)
    users = User.objects.bulk_create([User(username=f"{code}_m{i}", name=f"委员{code}{i:04d}") for i in range(members)])
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, organization=org, role=Role.STANDING_MEMBER if i % 12 == 0 else Role.MEMBER)
         for i, u in enumerate(users)]
    )  # fmt: skip
    units = HandlingUnit.objects.bulk_create(
        [HandlingUnit(organization=org, name=f"{name}第{i}承办单位") for i in range(UNITS[code])]
    )
    officers = User.objects.bulk_create(
        [User(username=f"{code}_o{i}", name=f"经办人{code}{i}") for i in range(len(units))]
    )
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=o, organization=org, role=Role.UNIT_OFFICER, handling_unit=u)
            for o, u in zip(officers, units, strict=True)
        ]
    )
    return org, people, users, units, officers


def _proposals(org, n, people, members, units, texts, rng, workflow, seq0):
    states = {s.key: s for s in workflow.states.all()}
    categories = list(Category.objects.filter(organization__isnull=True)) or [None]
    keys = [k for k, w in STATE_MIX for _ in range(w)]
    now = timezone.now()
    staff = people[Role.PROPOSALS_STAFF]
    rows = []
    seq_by_year = dict.fromkeys(YEARS, seq0)
    for _ in range(n):
        year = rng.choices(YEARS, (2, 3, 5))[0]
        key = rng.choice(keys) if year == YEARS[-1] else rng.choice(("closed", "archived", "archived"))
        state = states[key]
        ago = (YEARS[-1] - year) * 365 + rng.randint(1, 300)
        at = now - timedelta(days=ago, minutes=rng.randint(0, 1440))
        numbered = PATH.index(key) >= PATH.index("numbered")
        seq = None
        if numbered:
            seq_by_year[year] += 1
            seq = seq_by_year[year]
        text = next(texts)
        rows.append(
            Proposal(
                organization=org, year=year, kind="micro" if rng.random() < 0.08 else "proposal",
                title=text["title"][:200], body=text["body"], submitter=rng.choice(members),
                entered_by=staff if rng.random() < 0.05 else None, workflow=workflow, state=state,
                state_entered_at=at,
                due_on=(at + timedelta(days=rng.randint(5, 90))).date() if state.deadline_amount else None,
                category=rng.choice(categories) if numbered else None, seq=seq,
                number=f"〔{year}〕第{seq:05d}号" if numbered else "",
                outcome="filed" if PATH.index(key) >= PATH.index("filed") else "",
                is_key=numbered and rng.random() < 0.06, key_leader=people[Role.LEADER] if numbered else None,
                created_at=at - timedelta(days=5), submitted_at=at - timedelta(days=4) if key != "draft" else None,
                filed_at=at - timedelta(days=3) if numbered else None,
                assigned_at=at - timedelta(days=2) if PATH.index(key) >= PATH.index("assigned") else None,
                replied_at=at - timedelta(days=1) if PATH.index(key) >= PATH.index("replied") else None,
                closed_at=at if key in ("closed", "archived") else None,
            )
        )  # fmt: skip
    Proposal.objects.bulk_create(rows, batch_size=2000)
    return rows


def _around(proposals, people, members, units, rng):  # noqa: C901 - one pass per kind of row, kept together
    """Assignments, co-signatures, replies (every status, published or not) and ratings of one batch."""
    assignments, cosigns, replies, lead_of = [], [], [], {}
    staff = people[Role.PROPOSALS_STAFF]
    for p in proposals:
        key = p.state.key
        if rng.random() < 0.3 and key != "draft":
            for u in rng.sample(members, rng.randint(1, 3)):
                if u.pk != p.submitter_id:
                    cosigns.append(
                        CoSignature(proposal=p, user=u, status="signed", counts=True, responded_at=p.created_at)
                    )
        if PATH.index(key) < PATH.index("assigned"):
            continue
        lead = rng.choice(units)
        status = "pending" if key == "assigned" else "received"
        a = Assignment(proposal=p, unit=lead, role="lead", status=status, assigned_at=p.assigned_at,
                       proposal_state=p.state, proposal_due_on=p.due_on)  # fmt: skip
        assignments.append(a)
        lead_of[p.pk] = a
        if rng.random() < 0.4:
            co = rng.choice([u for u in units if u != lead])
            assignments.append(Assignment(proposal=p, unit=co, role="co", status=status, assigned_at=p.assigned_at,
                                          proposal_state=p.state, proposal_due_on=p.due_on))  # fmt: skip
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    CoSignature.objects.bulk_create(cosigns, batch_size=2000, ignore_conflicts=True)
    for p in proposals:
        key = p.state.key
        if PATH.index(key) < PATH.index("countersigning"):
            continue
        a = lead_of[p.pk]
        common = dict(proposal=p, assignment=a, reference_number=f"答〔{p.year}〕{p.pk}号", contact_person="张三",
                      contact_phone="13800138000", grade=rng.choice("ABC"), submitted_by=staff)  # fmt: skip
        text = f"关于{p.title}的答复：" + "我单位高度重视，认真研究办理。" * 12
        if key in REPLY_STATUS:
            replies.append(Reply(**common, text=text, status=REPLY_STATUS[key], submitted_at=p.state_entered_at))
            continue
        if rng.random() < 0.1:  # an earlier reply the office sent back, then superseded
            earlier = p.state_entered_at - timedelta(days=9)
            replies.append(Reply(**common, text=text, status="superseded", submitted_at=earlier))
        published = key in ("closed", "archived", "confirmed") and rng.random() < 0.6
        sent = p.replied_at or p.state_entered_at
        replies.append(Reply(**common, text=text, status="sent", sent_at=sent, on_time=rng.random() < 0.9,
                             submitted_at=sent - timedelta(days=2), publish_due_on=(sent + timedelta(days=30)).date(),
                             is_published=published,
                             published_at=sent + timedelta(days=20) if published else None))  # fmt: skip
    Reply.objects.bulk_create(replies, batch_size=2000)
    published = {}
    for r in replies:
        if r.is_published:
            r.proposal.published_reply_at = r.published_at
            published[r.proposal.pk] = r.proposal
    Proposal.objects.bulk_update(list(published.values()), ["published_reply_at"], batch_size=2000)
    ratings = [
        Rating(
            proposal=r.proposal, reply=r, rater=r.proposal.submitter, satisfaction=rng.choice(("satisfied", "basic"))
        )
        for r in replies
        if r.status == "sent" and PATH.index(r.proposal.state.key) >= PATH.index("rated")
    ]
    Rating.objects.bulk_create(ratings, batch_size=2000)
    return len(replies)


def _events_sql(ct, org, workflow, staff, first_id, last_id):
    """Each proposal's events along the path up to its state, one INSERT … SELECT per batch."""
    states = {s.key: s for s in workflow.states.all()}
    values = ", ".join(f"({i}, {states[k].pk}, '{states[k].name}')" for i, k in enumerate(PATH))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH path(idx, state_id, name) AS (VALUES {values})
            INSERT INTO workflow_workflowevent (content_type_id, object_id, organization_id, workflow_id, kind,
                from_state_id, to_state_id, actor_id, actor_name, transition_name, from_state_name, to_state_name,
                payload, reason, at)
            SELECT %s, p.id, %s, %s, CASE WHEN s.idx = 0 THEN 'start' ELSE 'transition' END,
                prev.state_id, s.state_id, %s, %s, s.name, COALESCE(prev.name, ''), s.name, '{{}}', '',
                p.created_at + s.idx * interval '1 hour'
            FROM proposals_proposal p
            JOIN path cur ON cur.state_id = p.state_id
            JOIN path s ON s.idx <= cur.idx
            LEFT JOIN path prev ON prev.idx = s.idx - 1
            WHERE p.id BETWEEN %s AND %s
            """,  # noqa: S608 - our own state ids and names
            [ct.pk, org.pk, workflow.pk, staff.pk, staff.name, first_id, last_id],
        )


class _SentenceCache:
    """The segmenter's terms() sentence by sentence, each distinct sentence cut once: the generated bodies repeat
    their phrases, and cutting 100,000 bodies whole takes most of an hour on a busy machine. A sentence's terms do
    not depend on its neighbours (they never cross "。")."""

    def __init__(self, segmenter):
        self.segmenter = segmenter
        self.cut: dict[str, list[str]] = {}

    def terms(self, text: str) -> list[str]:
        out: list[str] = []
        for sentence in text.replace("。", "。\n").splitlines():
            words = self.cut.get(sentence)
            if words is None:
                words = self.cut[sentence] = list(self.segmenter.terms(sentence))
            out.extend(words)
        return out

    def __getattr__(self, name):
        return getattr(self.segmenter, name)


INDEX_TYPES = ("proposal", "micro_proposal", "proposal_reply")
# Index shards run side by side (forked processes, each with its own connection): most of a document's cost is its
# readers' queries waiting on the database, so shards overlap those waits. BENCH_INDEX_SHARDS=1 runs in-process.
SHARDS = int(os.environ.get("BENCH_INDEX_SHARDS", "3"))


def _index(log) -> int:
    """Search documents of every proposal and reply through the registry's own to_document (the readers, units and
    segmented text a real index row has), written in bulk by SHARDS processes (object id modulo SHARDS). What is
    already indexed is left out by an anti-join, so an interrupted build resumes where each shard stopped."""
    from xieshang.search.lexicon import SEQ_COUNTER, bump_counter, org_counter, read_counter
    from xieshang.search.models import SearchDocument

    base = read_counter(SEQ_COUNTER)
    if SHARDS <= 1:
        _index_shard(0, 1, base, log)
    else:
        connection.close()  # each forked shard opens its own
        children = []
        for shard in range(SHARDS):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                code = 0
                try:
                    _index_shard(shard, SHARDS, base, log)
                except BaseException as error:  # noqa: BLE001 - reported, then the parent fails
                    log(f"  shard {shard}: {error!r}")
                    code = 1
                finally:
                    os._exit(code)
            children.append(pid)
        failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
        if failed:
            raise SystemExit(f"{len(failed)} index shard(s) failed: run again to resume")
    top = SearchDocument.objects.order_by("-seq").values_list("seq", flat=True).first() or base
    bump_counter(SEQ_COUNTER, to=top)
    for org_id in SearchDocument.objects.values_list("organization_id", flat=True).distinct():
        bump_counter(org_counter(org_id), to=top)
    return SearchDocument.objects.filter(doc_type__in=INDEX_TYPES).count()


def _index_shard(shard: int, shards: int, base: int, log) -> None:
    from django.db.models import Exists, OuterRef

    from xieshang.search import registry
    from xieshang.search.indexing import _row_values
    from xieshang.search.lexicon import current_segmenter, dictionary_version
    from xieshang.search.models import SearchDocument

    version = dictionary_version()
    segmenter = _SentenceCache(current_segmenter(version))
    total = 0
    for dtype in registry.document_types():
        if dtype.key not in INDEX_TYPES:
            continue
        offset = INDEX_TYPES.index(dtype.key)
        indexed = SearchDocument.objects.filter(doc_type=dtype.key, object_id=OuterRef("pk"))
        todo = dtype.objects().annotate(shard=F("pk") % shards).filter(shard=shard).exclude(Exists(indexed))
        batch = []
        for obj in todo.order_by("pk").iterator(2000):
            doc = dtype.to_document(obj)
            if doc is None:
                continue
            values = _row_values(doc, segmenter, version)
            # seq: unique per (type, object) and above every earlier row, whichever shard writes it
            seq = base + 1 + obj.pk * len(INDEX_TYPES) + offset
            batch.append(SearchDocument(doc_type=dtype.key, object_id=obj.pk, seq=seq, **values))
            if len(batch) == 1000:
                with transaction.atomic():
                    SearchDocument.objects.bulk_create(batch)
                total += len(batch)
                batch = []
                log(f"  shard {shard}: {total} search documents")
        with transaction.atomic():
            SearchDocument.objects.bulk_create(batch)
        total += len(batch)


def build(n: int, log=print) -> Cast:
    from xieshang.search.models import SearchCounter

    main = Organization.objects.filter(code=ORGS[0][0]).first()
    if main is not None and SearchCounter.objects.filter(key=MARKER).exists():
        return cast(main)
    started = time.time()
    if main is not None:  # an interrupted build: the proposals are written in one pass, the index resumes
        if Proposal.objects.filter(organization__code__startswith="bench").count() < n * 0.99:
            raise SystemExit(f"{connection.settings_dict['NAME']} holds a half-built data set: drop and recreate it")
        return _finish(n, started, log)
    rng = random.Random(20261203)
    workflow = Workflow.objects.get(key="proposal", organization__isnull=True)
    ct = ContentType.objects.get_for_model(Proposal)
    texts = generate(10**7)
    for code, name, level, share in ORGS:
        members_n = int(MEMBERS * share)
        org, people, members, units, _officers = _org_people(code, name, level, members_n, rng)
        want = int(n * share)
        done = 0
        while done < want:
            with transaction.atomic():
                rows = _proposals(org, min(5000, want - done), people, members, units, texts, rng, workflow, done)
                _around(rows, people, members, units, rng)
                _events_sql(ct, org, workflow, people[Role.PROPOSALS_STAFF], rows[0].pk, rows[-1].pk)
            done += len(rows)
            log(f"  {code}: {done} proposals ({time.time() - started:.0f} s)")
    return _finish(n, started, log)


def _finish(n: int, started: float, log) -> Cast:
    from xieshang.search.models import SearchCounter

    docs = _index(log)
    SearchCounter.objects.create(key=MARKER, value=n)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    log(f"data: {n} proposals, {docs} search documents ({time.time() - started:.0f} s)")
    return cast(Organization.objects.get(code=ORGS[0][0]))


def cast(org: Organization) -> Cast:
    from xieshang.search.models import SearchCounter

    c = Cast(org=org, n=SearchCounter.objects.get(key=MARKER).value)
    code = org.code
    for role in (Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER):
        c.users[role] = User.objects.get(username=f"{code}_{role}")
    c.users[Role.MEMBER] = User.objects.get(username=f"{code}_m7")
    # The officer of the unit with the most open assignments (the busiest inbox).
    unit_id = (
        Assignment.objects.filter(unit__organization=org, status__in=("pending", "received"))
        .values("unit_id").order_by("unit_id").first()["unit_id"]
    )  # fmt: skip
    c.users[Role.UNIT_OFFICER] = RoleGrant.objects.filter(handling_unit_id=unit_id).select_related("user").first().user
    c.proposal_id = (
        Reply.objects.filter(proposal__organization=org, proposal__state__key="countersigning")
        .values_list("proposal_id", flat=True).first()
    )  # fmt: skip
    c.public_id = (
        Reply.objects.filter(proposal__organization=org, is_published=True).order_by("-published_at")
        .values_list("proposal_id", flat=True).first()
    )  # fmt: skip
    return c
