"""The public live consultation (#16): staff open it to the public with a video address of the conference's own
streaming service only; residents' questions are moderated (reason on rejection, an audit row per decision, a stale
decision refused), ordered and answered; refused after the meeting closed, over the length limit, or in a flood from
one account or address; invited participants ask for the floor once and the host gives it with a time limit; quick
votes count one ballot per person; the stream's snapshot and frames; who may do what; the pages and the CSP."""

import asyncio
import json

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Role
from xieshang.audit.context import current_ip
from xieshang.audit.models import AuditEntry
from xieshang.consultations import live_stream
from xieshang.consultations.models import (
    Invitation,
    LiveQuestion,
    LiveStage,
    QuickBallot,
    QuickVoteOption,
    SpeakRequest,
)
from xieshang.consultations.services import live
from xieshang.moderation.models import BlockedWord

VIDEO = "https://live.example.gov.cn/room/12"


@pytest.fixture
def member(organization):
    return make_user(Role.MEMBER, organization, username="member", name="李委员")


@pytest.fixture
def stage(staff, consultation):
    return live.stage_configure(actor=staff, consultation=consultation, is_public=True, video_url=VIDEO)


@pytest.fixture
def on_air(stage, staff, consultation):
    return live.stage_start(actor=staff, consultation=consultation)


def version(consultation):
    return LiveStage.objects.get(consultation=consultation).version


# ------------------------------------------------------------------------------------------------------ the stage
def test_video_only_from_the_conference_streaming_service(staff, consultation):
    with pytest.raises(ValidationError) as exc:
        live.stage_configure(
            actor=staff, consultation=consultation, is_public=True, video_url="https://cdn.example.com/x.js"
        )
    assert "https://live.example.gov.cn" in exc.value.message_dict["video_url"][0]
    with pytest.raises(ValidationError) as exc:
        live.stage_configure(actor=staff, consultation=consultation, is_public=True, video_url="")
    assert "video_url" in exc.value.message_dict
    assert not LiveStage.objects.filter(is_public=True).exists()
    with override_settings(XIESHANG_LIVE_VIDEO_ORIGINS=[]), pytest.raises(ValidationError) as exc:
        live.stage_configure(actor=staff, consultation=consultation, is_public=True, video_url=VIDEO)
    assert "尚未配置" in exc.value.message_dict["video_url"][0]
    stage = live.stage_configure(
        actor=staff, consultation=consultation, is_public=True, video_url=VIDEO, video_mode="frame"
    )
    assert stage.is_public and stage.video_mode == "frame"
    assert AuditEntry.objects.filter(action="consultations.live_configure").count() == 1


def test_only_host_staff_configure_start_and_close(stage, consultation, resident, member, organization):
    other_staff = make_user(Role.COMMITTEE_STAFF, OrganizationFactory(), username="elsewhere")
    for actor in (resident, member, other_staff):
        with pytest.raises(PermissionDenied):
            live.stage_start(actor=actor, consultation=consultation)
        with pytest.raises(PermissionDenied):
            live.stage_configure(actor=actor, consultation=consultation, is_public=False)
    assert LiveStage.objects.get().state == LiveStage.State.WAITING


def test_closing_ends_votes_turns_and_the_answer(on_air, staff, consultation, resident, member):
    Invitation.objects.create(consultation=consultation, organization=consultation.organization, user=member)
    question = live.question_submit(actor=resident, consultation=consultation, text="公交线路什么时候调整？")
    live.question_moderate(actor=staff, question=question, decision="approve")
    live.question_advance(actor=staff, question=question, stage="answering")
    speak = live.speak_request(actor=member, consultation=consultation)
    live.speaker_floor(actor=staff, request=speak)
    vote = live.vote_open(actor=staff, consultation=consultation, question="是否赞成？", options="赞成\n反对")
    live.stage_close(actor=staff, consultation=consultation)
    vote.refresh_from_db()
    assert not vote.is_open
    assert SpeakRequest.objects.get().status == SpeakRequest.Status.DONE
    assert LiveQuestion.objects.get().stage == LiveQuestion.Stage.ANSWERED
    with pytest.raises(ValidationError):
        live.stage_close(actor=staff, consultation=consultation)
    with pytest.raises(ValidationError):
        live.stage_start(actor=staff, consultation=consultation)


# ------------------------------------------------------------------------------------------------------ questions
def test_a_question_waits_for_moderation_then_joins_the_queue(on_air, staff, consultation, resident, neighbour):
    before = version(consultation)
    first = live.question_submit(actor=resident, consultation=consultation, text="  公交线路什么时候调整？ ")
    assert first.status == LiveQuestion.Status.PENDING and first.text == "公交线路什么时候调整？"
    assert version(consultation) == before + 1
    second = live.question_submit(actor=neighbour, consultation=consultation, text="停车位够不够？")
    assert live_stream.snapshot(consultation.pk)["queued"] == []  # nothing shows before staff decide

    live.question_moderate(actor=staff, question=second, decision="approve")
    live.question_moderate(actor=staff, question=first, decision="approve")
    assert [q.pk for q in live_stream.snapshot(consultation.pk)["queued"]] == [second.pk, first.pk]
    live.question_move(actor=staff, question=first, direction="up")
    assert [q.pk for q in live_stream.snapshot(consultation.pk)["queued"]] == [first.pk, second.pk]

    live.question_advance(actor=staff, question=first, stage="answering")
    live.question_advance(actor=staff, question=second, stage="answering")  # the one before is now answered
    snap = live_stream.snapshot(consultation.pk)
    assert [q.pk for q in snap["answering"]] == [second.pk]
    assert [q.pk for q in snap["answered"]] == [first.pk]
    with pytest.raises(ValidationError):
        live.question_advance(actor=staff, question=first, stage="answering")
    assert AuditEntry.objects.filter(action="consultations.live_question_approve").count() == 2


def test_rejecting_needs_a_reason_and_a_stale_decision_is_refused(on_air, staff, consultation, resident):
    question = live.question_submit(actor=resident, consultation=consultation, text="与议题无关的问题")
    with pytest.raises(ValidationError) as exc:
        live.question_moderate(actor=staff, question=question, decision="reject")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        live.question_moderate(actor=resident, question=question, decision="approve")
    stale = LiveQuestion.objects.get(pk=question.pk)
    live.question_moderate(actor=staff, question=question, decision="reject", reason="与本次协商议题无关")
    with pytest.raises(ValidationError) as exc:
        live.question_moderate(actor=staff, question=stale, decision="approve")
    assert "已由他人处理" in exc.value.messages[0]
    question.refresh_from_db()
    assert question.status == LiveQuestion.Status.REJECTED
    assert question.reason == "与本次协商议题无关" and question.moderated_by == staff and question.moderated_at
    rows = AuditEntry.objects.filter(action__startswith="consultations.live_question_")
    assert [(r.action, r.detail["reason"]) for r in rows] == [
        ("consultations.live_question_reject", "与本次协商议题无关")
    ]


def test_questions_refused_before_after_and_over_the_limit(stage, staff, consultation, resident):
    with pytest.raises(ValidationError) as exc:
        live.question_submit(actor=resident, consultation=consultation, text="开始前提问")
    assert "尚未开始" in exc.value.message_dict["text"][0]
    live.stage_start(actor=staff, consultation=consultation)
    with pytest.raises(ValidationError) as exc:
        live.question_submit(actor=resident, consultation=consultation, text="长" * 301)
    assert "300" in exc.value.message_dict["text"][0]
    with pytest.raises(ValidationError):
        live.question_submit(actor=resident, consultation=consultation, text="   ")
    live.stage_close(actor=staff, consultation=consultation)
    with pytest.raises(ValidationError) as exc:
        live.question_submit(actor=resident, consultation=consultation, text="会后提问")
    assert "已结束" in exc.value.message_dict["text"][0]
    assert not LiveQuestion.objects.exists()


def test_blocklisted_words_are_shown_to_the_moderator(on_air, consultation, resident):
    BlockedWord.objects.create(organization=consultation.organization, word="广告")
    question = live.question_submit(actor=resident, consultation=consultation, text="这里有 广 告 链接")
    assert question.flagged == "广告" and question.status == LiveQuestion.Status.PENDING


@override_settings(XIESHANG_ABUSE_LIMITS={"live_question": {"account": [(2, 600)], "address": [(3, 600)]}})
def test_rate_limits_per_account_and_per_client_address(
    on_air, consultation, resident, neighbour, member, held_limit_clock
):
    token = current_ip.set("203.0.113.7")
    try:
        live.question_submit(actor=resident, consultation=consultation, text="第一个问题")
        live.question_submit(actor=resident, consultation=consultation, text="第二个问题")
        with pytest.raises(ValidationError) as exc:
            live.question_submit(actor=resident, consultation=consultation, text="第三个问题")
        assert "操作过于频繁" in exc.value.message_dict["text"][0]
        with pytest.raises(ValidationError):  # the address's budget (3) is spent, refused attempt included
            live.question_submit(actor=neighbour, consultation=consultation, text="邻居的问题")
    finally:
        current_ip.reset(token)
    token = current_ip.set("198.51.100.9")
    try:
        live.question_submit(actor=member, consultation=consultation, text="委员从另一个地址")
    finally:
        current_ip.reset(token)
    assert LiveQuestion.objects.count() == 3


# ------------------------------------------------------------------------------------------------------- speakers
def test_invited_participants_ask_for_the_floor_once(on_air, staff, consultation, member, resident, organization):
    with pytest.raises(PermissionDenied):
        live.speak_request(actor=member, consultation=consultation)  # not invited
    Invitation.objects.create(consultation=consultation, organization=organization, user=member)
    other = make_user(Role.MEMBER, organization, username="member2", name="周委员")
    Invitation.objects.create(consultation=consultation, organization=organization, user=other)
    first = live.speak_request(actor=member, consultation=consultation)
    assert live.speak_request(actor=member, consultation=consultation).pk == first.pk
    second = live.speak_request(actor=other, consultation=consultation)
    live.speaker_move(actor=staff, request=second, direction="up")
    assert [s.pk for s in live_stream.snapshot(consultation.pk)["waiting"]] == [second.pk, first.pk]
    with pytest.raises(PermissionDenied):
        live.speaker_floor(actor=member, request=first)
    live.speaker_floor(actor=staff, request=second)
    snap = live_stream.snapshot(consultation.pk)
    assert snap["speaking"].pk == second.pk
    assert (snap["speaking_until"] - snap["speaking"].floor_at).total_seconds() == 180
    live.speaker_floor(actor=staff, request=first)  # the previous turn ends
    assert SpeakRequest.objects.get(pk=second.pk).status == SpeakRequest.Status.DONE
    live.speaker_done(actor=staff, request=first)
    assert live_stream.snapshot(consultation.pk)["speaking"] is None
    # Asking again after one's turn is a new request.
    assert live.speak_request(actor=member, consultation=consultation).pk != first.pk


# ---------------------------------------------------------------------------------------------------- quick votes
def test_quick_vote_one_ballot_per_person(on_air, staff, consultation, resident, neighbour):
    with pytest.raises(ValidationError) as exc:
        live.vote_open(actor=staff, consultation=consultation, question="是否赞成？", options="只有一个")
    assert "options" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        live.vote_open(actor=resident, consultation=consultation, question="是否赞成？", options="赞成\n反对")
    vote = live.vote_open(actor=staff, consultation=consultation, question="是否赞成？", options="赞成\n反对\n赞成")
    yes, no = vote.options.all()
    assert [yes.label, no.label] == ["赞成", "反对"]
    live.vote_cast(actor=resident, vote=vote, option_id=yes.pk)
    with pytest.raises(ValidationError) as exc:
        live.vote_cast(actor=resident, vote=vote, option_id=no.pk)
    assert "只能投一次" in exc.value.messages[0]
    live.vote_cast(actor=neighbour, vote=vote, option_id=no.pk)
    with pytest.raises(ValidationError):
        live.vote_cast(actor=neighbour, vote=vote, option_id=999999)
    assert [o.count for o in QuickVoteOption.objects.filter(vote=vote)] == [1, 1]
    live.vote_close(actor=staff, vote=vote)
    late = make_user(Role.CITIZEN, consultation.organization, username="late")
    with pytest.raises(ValidationError):
        live.vote_cast(actor=late, vote=vote, option_id=yes.pk)
    assert QuickBallot.objects.count() == 2


# -------------------------------------------------------------------------------------------------- permissions
# action → who may take it on a consultation (the invited member is a member too, so may ask)
LIVE_TABLE = [
    ("host_live", {"staff"}),
    ("ask_live", {"resident", "member", "invited"}),
    ("speak_live", {"invited"}),
    ("vote_live", {"staff", "resident", "member", "invited", "outsider"}),
]


@pytest.mark.parametrize(("action", "allowed"), LIVE_TABLE)
def test_who_may_do_what(action, allowed, consultation, staff, resident, member, organization):
    from django.contrib.auth.models import AnonymousUser

    invited = make_user(Role.MEMBER, organization, username="invited")
    Invitation.objects.create(consultation=consultation, organization=organization, user=invited)
    outsider = make_user(Role.CITIZEN, OrganizationFactory(), username="outsider")
    people = {
        "staff": staff,
        "resident": resident,
        "member": member,
        "invited": invited,
        "outsider": outsider,
        "anonymous": AnonymousUser(),
    }
    got = {name for name, user in people.items() if rules.has_perm(f"consultations.{action}", user, consultation)}
    assert got == allowed


# ------------------------------------------------------------------------------------------------------ the stream
def test_frames_are_rendered_per_language_and_only_changed_sections_are_sent(on_air, staff, consultation, resident):
    v1, first = live_stream.frames(consultation.pk)
    assert set(first) == {"zh-hans", "en"} and set(first["en"]) == set(live_stream.SECTIONS)
    assert "直播中" in first["zh-hans"]["meeting"][0] and "直播中" not in first["en"]["meeting"][0]
    question = live.question_submit(actor=resident, consultation=consultation, text="公交线路什么时候调整？")
    live.question_moderate(actor=staff, question=question, decision="approve")
    v2, second = live_stream.frames(consultation.pk)
    assert v2 > v1
    changed = live_stream.changed_frames(first, second, "zh-hans")
    assert [f.split(b"\n", 1)[0] for f in changed] == [b"event: questions"]
    data = json.loads(second["zh-hans"]["questions"][1].decode().split("data: ", 1)[1])
    assert "公交线路什么时候调整？" in data["html"] and data["v"] == v2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_hub_fans_one_change_out_to_every_viewer(on_air, staff, consultation, resident):
    """The ASGI hub: many viewers of one consultation, one read per change, each viewer gets the changed section."""

    async def scenario():
        hub = live_stream.Hub()
        queues = [await hub.subscribe(consultation.pk, "zh-hans") for _ in range(50)]
        for q in queues:  # the whole state on arrival
            assert q.qsize() == len(live_stream.SECTIONS)
            while not q.empty():
                q.get_nowait()
        await asyncio.to_thread(
            lambda: live.vote_open(actor=staff, consultation=consultation, question="是否赞成？", options="是\n否")
        )
        hub.wake.set()
        frames = await asyncio.wait_for(asyncio.gather(*(q.get() for q in queues)), timeout=5)
        assert all(f.startswith(b"event: votes") and "是否赞成".encode() in f for f in frames)
        for q in queues:
            hub.unsubscribe(consultation.pk, "zh-hans", q)
        assert not hub.viewers
        hub.task.cancel()

    asyncio.run(scenario())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_stream_for_a_consultation_not_open_to_the_public(client, consultation):
    response = client.get(reverse("consultations:live_stream", args=[consultation.pk]))
    assert response.status_code == 404
    assert client.get(reverse("consultations:live_public", args=[consultation.pk])).status_code == 404


# --------------------------------------------------------------------------------------------------------- pages
def test_live_page_opens_its_csp_to_the_video_origin_only(client, stage, staff, consultation):
    live.stage_configure(actor=staff, consultation=consultation, is_public=True, video_url=VIDEO, video_mode="video")
    response = client.get(reverse("consultations:live_public", args=[consultation.pk]))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "media-src 'self' https://live.example.gov.cn" in csp
    assert "frame-src 'self' https://live.example.gov.cn" in csp
    script_src = csp.split("script-src", 1)[1].split(";")[0]
    assert script_src.split()[0] == "'self'" and "live.example" not in script_src and "default-src 'self';" in csp
    assert f'src="{VIDEO}"' in response.content.decode()
    assert 'data-testid="login-to-ask"' in response.content.decode()


def test_a_question_after_the_meeting_closed_keeps_the_text(client, on_air, staff, consultation, resident):
    live.stage_close(actor=staff, consultation=consultation)
    client.force_login(resident)
    response = client.post(reverse("consultations:live_question", args=[consultation.pk]), {"text": "会后才想到的问题"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "本次直播已结束" in body and "会后才想到的问题" in body
    assert not LiveQuestion.objects.exists()


def test_a_repeated_question_post_creates_one(client, on_air, consultation, resident):
    client.force_login(resident)
    url = reverse("consultations:live_question", args=[consultation.pk])
    for _ in range(2):
        response = client.post(url, {"text": "同一个问题", "submission_token": "tok-live-question-000001"})
        assert response.status_code == 302
    assert LiveQuestion.objects.count() == 1


def test_the_stream_is_not_activity(on_air, consultation):
    from xieshang.core.http import is_background

    assert is_background(live_stream.live_stream_view)


def test_replay_page_after_closing(client, on_air, staff, consultation, resident):
    question = live.question_submit(actor=resident, consultation=consultation, text="公交线路什么时候调整？")
    live.question_moderate(actor=staff, question=question, decision="approve")
    live.question_advance(actor=staff, question=question, stage="answered")
    vote = live.vote_open(actor=staff, consultation=consultation, question="是否赞成？", options="是\n否")
    live.vote_cast(actor=resident, vote=vote, option_id=vote.options.first().pk)
    url = reverse("consultations:live_replay", args=[consultation.pk])
    assert client.get(url).status_code == 404  # not before the meeting ends
    live.stage_close(actor=staff, consultation=consultation)
    body = client.get(url).content.decode()
    assert "公交线路什么时候调整？" in body and "是否赞成？" in body


def test_live_questions_wait_in_the_one_moderation_queue_and_a_decision_there_reaches_the_streams(
    on_air, staff, consultation, resident, organization
):
    """The office's moderation queue (decision 0040) holds the live questions beside call entries and topics; a
    decision taken there goes through the live service: the question joins the host's queue and the stream's
    version moves, as when the host decides on his console."""
    from xieshang.moderation import selectors as queue
    from xieshang.moderation import services as moderation

    question = live.question_submit(actor=resident, consultation=consultation, text="加装电梯的费用怎么分摊？")
    waiting = {(item.kind.key, item.obj.pk) for item in queue.queue(staff, organization)}
    assert ("consultations.question", question.pk) in waiting
    assert queue.queue(resident, organization) == []
    before = version(consultation)
    moderation.decide(actor=staff, key="consultations.question", pk=question.pk, decision="approve")
    question.refresh_from_db()
    assert question.status == LiveQuestion.Status.APPROVED and question.moderated_by == staff
    assert version(consultation) > before
    assert ("consultations.question", question.pk) not in {
        (item.kind.key, item.obj.pk) for item in queue.queue(staff, organization)
    }
    assert AuditEntry.objects.filter(action__contains="question", object_id=str(question.pk)).count() == 2
