"""The fault tests' workload: real tasks whose effects reach the outside world (SMS, e-mail, the search index, notifying
tasks), written as the database backend writes them, and the count of what the world received (tests/faults/recorders)
against what was asked: done once, duplicated, lost. Used by tests/faults/test_worker_killed.py and, on the local
cluster's workers, by tests/cluster (a `tag` keeps a second seeding in the same database apart)."""

from __future__ import annotations

import random
from collections import Counter

from django.utils import timezone

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Role


def enqueue_all(specs):
    """Write the task rows as the database backend does (the tests' own backend runs tasks at once)."""
    from django_tasks_db.backend import DatabaseBackend

    backend = DatabaseBackend("default", {"QUEUES": ["default", "notifications", "search", "maps"]})
    for task_obj, args in specs:
        backend.enqueue(task_obj, list(args), {})


def seed(total: int, tag: str = ""):
    from tests.faults.tasks import announce
    from xieshang.notifications.models import Notification, SmsMessage
    from xieshang.notifications.tasks import deliver_email, deliver_sms
    from xieshang.opinions.models import Report
    from xieshang.search.tasks import index_object

    tag_digits = tag.zfill(4)[-4:] if tag else "0000"  # a tag is four digits: phone numbers stay apart
    organization = OrganizationFactory(name=f"故障市政协{tag}", short_name="故障", code=f"gz{tag}")
    users = [
        make_user(
            Role.MEMBER,
            organization,
            username=f"fault{tag}{i}",
            phone=f"139{tag_digits}{i:04d}",
            email=f"f{tag}{i}@example.org",
        )
        for i in range(10)
    ]
    rng = random.Random(17)  # noqa: S311
    kinds = ["sms"] * 40 + ["email"] * 25 + ["index"] * 20 + ["announce"] * 15
    specs, expected = [], []
    now = timezone.now()
    for n in range(total):
        kind = kinds[n % len(kinds)]
        user = users[rng.randrange(len(users))]
        if kind == "sms":
            message = SmsMessage.objects.create(phone=user.phone, text=f"短信 {n}", gateway="faults")
            specs.append((deliver_sms, [message.pk]))
            expected.append(("sms", message.pk))
        elif kind == "email":
            note = Notification.objects.create(recipient=user, kind="faults", title=f"邮件 {n}")
            specs.append((deliver_email, [note.pk]))
            expected.append(("email", note.pk))
        elif kind == "index":
            report = Report.objects.create(
                organization=organization,
                year=now.year,
                seq=n + 1,
                title=f"关于停车难的社情民意 {n}",
                body="老旧小区停车位不足。",
                submitter=user,
                submitted_at=now,
            )
            specs.append((index_object, ["opinion_report", report.pk]))
            expected.append(("index", report.pk))
        else:
            specs.append((announce, [user.pk, f"e{n}"]))
            expected.append(("announce", (user.pk, f"e{n}")))
    rng.shuffle(specs)
    enqueue_all(specs)
    return expected


def count(expected):
    from django_tasks_db.models import DBTaskResult

    from tests.faults.recorders import lines
    from xieshang.notifications.models import Notification, SmsMessage
    from xieshang.notifications.tasks import message_id
    from xieshang.search.models import SearchDocument

    sms_sends = Counter(key for key, _phone in lines("sms.log"))
    email_sends = Counter(mid for mid, _to in lines("email.log"))
    messages = {m.pk: m for m in SmsMessage.objects.all()}
    sms_by_key = Counter(m.key for m in messages.values())
    notes = {n.pk: n for n in Notification.objects.all()}
    docs = Counter(
        SearchDocument.objects.filter(doc_type="opinion_report").values_list("object_id", flat=True).iterator()
    )
    done_once = duplicated = lost = 0
    for kind, ref in expected:
        if kind == "sms":
            copies = 1 if sms_sends[messages[ref].key] and messages[ref].status == "sent" else 0
        elif kind == "email":
            copies = 1 if email_sends[message_id(notes[ref])] else 0
        elif kind == "index":
            copies = docs[ref]
        else:
            user_id, event = ref
            mine = [n for n in notes.values() if n.recipient_id == user_id and n.key == f"faults:{event}"]
            keys = {f"notification:{n.pk}" for n in mine}
            sms = [m for m in messages.values() if m.key in keys]
            delivered = [m for m in sms if sms_sends[m.key] and m.status == "sent"]
            copies = len(mine) if len(mine) == len(sms) == len(delivered) else 0
        if copies == 1:
            done_once += 1
        elif copies == 0:
            lost += 1
        else:
            duplicated += 1
    statuses = Counter(DBTaskResult.objects.values_list("status", flat=True))
    claims = Counter(len(ids) for ids in DBTaskResult.objects.values_list("worker_ids", flat=True))
    return {
        "done_once": done_once,
        "duplicated": duplicated + sum(1 for n in sms_by_key.values() if n > 1),
        "lost": lost,
        "task_rows": sum(statuses.values()),
        "task_rows_not_successful": sum(n for status, n in statuses.items() if status != "SUCCESSFUL"),
        "tasks_run_again": sum(n for count, n in claims.items() if count > 1),
        # A send repeated after a kill between the send and its commit carries the same key: the provider (and a mail
        # client, by Message-ID) delivers it once. Counted to show the lease at work, not as a duplicate.
        "sends_repeated_same_key": sum(n - 1 for n in sms_sends.values() if n > 1)
        + sum(n - 1 for n in email_sends.values() if n > 1),
    }
