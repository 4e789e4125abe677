"""Following and digests (#16, #17): a follow records what happens to its object; send_digests sends each follower one
digest per period and channel however often it runs; the signed unsubscribe link ends the follow it names and no
other; a room's new topics text a follower up to his daily cap, and the rest reach him in his digest."""

import datetime

import pytest
from django.core import mail, signing
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommunityFactory, make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services as consultations
from xieshang.notifications import follows
from xieshang.notifications.digests import periods, send_digests
from xieshang.notifications.models import Digest, Follow, FollowEvent, Notification
from xieshang.notifications.services import follow, follow_event, follow_update, unfollow, unsubscribe

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="committee")


@pytest.fixture
def resident(organization):
    return make_user(Role.CITIZEN, organization, username="resident", language="zh-hans")


@pytest.fixture
def room(organization, staff):
    convener = make_user(Role.CITIZEN, organization, username="convener")
    community = CommunityFactory(organization=organization, name="黄河路社区")
    return consultations.room_create(actor=staff, community=community, convener=convener)


def news(room, text="议事室有新动态", actor=None):
    return follow_event(obj=room, kind="test.news", text=text, actor=actor)


def test_nothing_is_recorded_for_an_object_nobody_follows(room):
    assert news(room) is None
    assert not FollowEvent.objects.exists()


def test_a_daily_digest_is_sent_once_however_often_the_command_runs(room, resident):
    follow(user=resident, obj=room)
    news(room, "第一条")
    news(room, "第二条")
    # Today's news belongs to today's period: the digest goes out tomorrow.
    assert send_digests(today=TODAY) == 0
    assert send_digests(today=TOMORROW) == 1
    assert send_digests(today=TOMORROW) == 0
    digest = Digest.objects.get(user=resident)
    assert digest.period == f"daily:{TODAY.isoformat()}:inapp"
    inbox = Notification.objects.get(recipient=resident, kind="notifications.digest")
    assert "第一条" in inbox.body and "第二条" in inbox.body and room.name in inbox.body
    assert "2" in inbox.title
    # News after the digest waits for the next period; the one already sent is not repeated.
    third = news(room, "第三条")
    FollowEvent.objects.filter(pk=third.pk).update(created_at=timezone.now() + datetime.timedelta(days=1))
    assert send_digests(today=TOMORROW) == 0
    assert send_digests(today=TOMORROW + datetime.timedelta(days=1)) == 1
    second = Notification.objects.filter(recipient=resident, kind="notifications.digest").order_by("-id")[0]
    assert "第三条" in second.body and "第一条" not in second.body


def test_a_concurrent_run_that_finds_the_period_sent_moves_nothing(room, resident):
    row = follow(user=resident, obj=room)
    news(room)
    Digest.objects.create(user=resident, period=f"daily:{TODAY.isoformat()}:inapp", frequency="daily", channel="inapp")
    assert send_digests(today=TOMORROW) == 0
    row.refresh_from_db()
    assert not Notification.objects.filter(kind="notifications.digest").exists()
    assert row.last_event_id < FollowEvent.objects.get().pk  # still pending, for the next period
    with pytest.raises(IntegrityError):
        Digest.objects.create(
            user=resident, period=f"daily:{TODAY.isoformat()}:inapp", frequency="daily", channel="inapp"
        )


def test_what_happened_before_the_follow_and_his_own_doings_are_not_news_to_him(room, resident, organization):
    other = make_user(Role.CITIZEN, organization, username="other")
    follow(user=other, obj=room)
    news(room, "关注之前")
    follow(user=resident, obj=room)
    news(room, "他自己做的", actor=resident)
    assert send_digests(today=TOMORROW) == 1  # the other follower's; the resident has nothing new
    assert Digest.objects.get().user == other
    assert Follow.objects.get(user=resident).last_event_id == FollowEvent.objects.order_by("-id")[0].pk


def test_weekly_follows_wait_for_the_week_to_end(room, resident):
    follow(user=resident, obj=room, frequency="weekly")
    news(room)
    assert send_digests(today=TOMORROW) == 0
    next_monday = TODAY + datetime.timedelta(days=7 - TODAY.weekday())
    assert send_digests(today=next_monday) == 1
    assert send_digests(today=next_monday + datetime.timedelta(days=2)) == 0
    year, week, _ = TODAY.isocalendar()
    assert Digest.objects.get().period == f"weekly:{year}-W{week:02d}:inapp"
    assert [p.key for p in periods(next_monday)][1] == f"weekly:{year}-W{week:02d}"


@pytest.mark.parametrize(("language", "subject"), [("zh-hans", "关注日报"), ("en", "Daily digest")])
def test_the_email_digest_in_his_language_with_text_html_and_unsubscribe_links(
    room, organization, language, subject, django_capture_on_commit_callbacks
):
    reader = make_user(Role.CITIZEN, organization, username="reader", language=language)
    row = follow(user=reader, obj=room, channel="email")
    news(room, lambda: str(__import__("django.utils.translation").utils.translation.gettext("已关注。")))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(today=TOMORROW) == 1
        assert send_digests(today=TOMORROW) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reader.email]
    assert message.subject.startswith(subject)
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert room.name in message.body and room.name in html
    token = follows.unsubscribe_token(user_id=reader.pk, follow_id=row.pk)
    assert reverse("notifications:unsubscribe", args=[token]) in message.body
    assert "List-Unsubscribe" in message.extra_headers
    assert not Notification.objects.filter(kind="notifications.digest").exists()
    assert Digest.objects.get().email_sent_at is not None


def test_unsubscribe_tokens_end_only_what_they_name(room, resident, organization, staff):
    other = make_user(Role.CITIZEN, organization, username="other")
    mine = follow(user=resident, obj=room)
    theirs = follow(user=other, obj=room)
    token = follows.unsubscribe_token(user_id=resident.pk, follow_id=mine.pk)
    # A token changed by hand (another follow's id, another person) is not genuine.
    payload, _, rest = token.partition(":")
    forged = signing.dumps({"u": other.pk, "f": theirs.pk}, salt="another.salt", compress=True)
    assert unsubscribe(token.replace(payload, payload[:-2] + "AA")) is None
    assert unsubscribe(forged) is None
    assert unsubscribe("garbage") is None
    assert Follow.objects.count() == 2
    assert unsubscribe(token) == 1
    assert unsubscribe(token) == 0  # twice is no error
    assert list(Follow.objects.values_list("user_id", flat=True)) == [other.pk]
    all_of_them = follows.unsubscribe_token(user_id=other.pk)
    assert unsubscribe(all_of_them) == 1 and not Follow.objects.exists()


def test_follow_settings_are_checked(room, organization):
    nomail = make_user(Role.CITIZEN, organization, username="nomail", email="")
    row = follow(user=nomail, obj=room)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        follow_update(user=nomail, follow_id=row.pk, frequency="hourly", channel="email")
    assert set(refused.value.message_dict) == {"frequency", "channel"}
    row.refresh_from_db()
    assert (row.frequency, row.channel) == ("daily", "inapp")
    follow_update(user=nomail, follow_id=row.pk, frequency="weekly", channel="inapp")
    assert Follow.objects.get(pk=row.pk).frequency == "weekly"
    assert follow(user=nomail, obj=room).pk == row.pk  # following again keeps the one follow
    assert unfollow(user=nomail, obj=room) and not Follow.objects.exists()


def test_a_follower_gets_at_most_n_topic_texts_a_day_and_the_rest_in_his_digest(settings, room, organization):
    settings.XIESHANG_ABUSE_LIMITS = {"follower_sms": {"recipient": [(2, 86400)]}}
    follower = make_user(Role.CITIZEN, organization, username="follower")
    raiser = make_user(Role.CITIZEN, organization, username="raiser")
    late = make_user(Role.CITIZEN, organization, username="late")
    consultations.room_follow(actor=follower, room=room)
    for title in ("楼道堆物", "路灯不亮", "垃圾分类"):
        consultations.topic_raise(actor=raiser, room=room, title=title)
    texts = Notification.objects.filter(recipient=follower, kind="consultations.topic_new")
    assert texts.count() == 2
    from xieshang.notifications.models import SmsMessage

    assert SmsMessage.objects.filter(phone=follower.phone).count() == 2
    # The third went to his digest, and only his.
    consultations.room_follow(actor=late, room=room)
    assert FollowEvent.objects.get().user == follower
    assert send_digests(today=TOMORROW) == 1
    assert "垃圾分类" in Notification.objects.get(recipient=follower, kind="notifications.digest").body
    assert not Digest.objects.filter(user=late).exists()


def test_the_follow_button_works_without_javascript_and_with_htmx(client, room, resident, staff):
    url = reverse("notifications:follow", args=["room", room.pk])
    page = reverse("consultations:public_room", args=[room.pk])
    response = client.post(url, {"follow": "1", "next": page})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(resident)
    response = client.post(url, {"follow": "1", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == page  # a foreign "next" is not followed
    assert Follow.objects.filter(user=resident).count() == 1
    response = client.post(url, {"follow": "0", "next": page}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'data-testid="follow"' in response.content.decode()
    assert not Follow.objects.exists()
    assert client.post(reverse("notifications:follow", args=["nothing", room.pk]), {"follow": "1"}).status_code == 404
    assert client.post(reverse("notifications:follow", args=["room", 999999]), {"follow": "1"}).status_code == 404
    assert client.get(url).status_code == 405


def test_my_follows_page_changes_frequency_and_keeps_a_refused_choice(client, room, organization):
    nomail = make_user(Role.CITIZEN, organization, username="nomail", email="")
    row = follow(user=nomail, obj=room)
    client.force_login(nomail)
    page = client.get(reverse("notifications:follows"))
    assert room.name in page.content.decode()
    refused = client.post(
        reverse("notifications:follows"), {"follow": row.pk, "frequency": "weekly", "channel": "email"}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "没有邮箱地址" in body and '<option value="weekly" selected>' in body
    assert Follow.objects.get().frequency == "daily"
    client.post(reverse("notifications:follows"), {"follow": row.pk, "frequency": "weekly", "channel": "inapp"})
    assert Follow.objects.get().frequency == "weekly"
    other = make_user(Role.CITIZEN, organization, username="other")
    client.force_login(other)  # another person's follow is not his to change
    assert client.post(reverse("notifications:follows"), {"follow": row.pk, "action": "unfollow"}).status_code == 404
    assert Follow.objects.exists()


def test_the_unsubscribe_link_needs_no_login_and_acts_on_post_only(client, room, resident):
    row = follow(user=resident, obj=room)
    url = reverse("notifications:unsubscribe", args=[follows.unsubscribe_token(user_id=resident.pk, follow_id=row.pk)])
    assert client.get(url).status_code == 200 and Follow.objects.exists()  # a mail scanner's GET ends nothing
    assert "已取消这项关注" in client.post(url).content.decode()
    assert not Follow.objects.exists()
    bad = client.post(reverse("notifications:unsubscribe", args=["x" + url.split("/")[-2]]))
    assert bad.status_code == 400


def test_many_follow_buttons_on_one_page_read_the_readers_follows_once(
    organization, staff, resident, room, rf, django_assert_num_queries
):
    """A consultation's outcomes or a room's topics each carry a button: the reader's follows are read once."""
    from xieshang.notifications.selectors import followed_on_page

    community = CommunityFactory(organization=organization, name="金水路社区")
    other = consultations.room_create(actor=staff, community=community, convener=resident)
    follow(user=resident, obj=room)
    request = rf.get("/")
    request.user = resident
    follows.content_type(room)  # the content-type cache warm, as on any page after its first button
    with django_assert_num_queries(1):
        answers = [followed_on_page(request, obj) for obj in (room, other, room, other)]
    assert answers == [True, False, True, False]
