"""What every journey shares: each runs twice, in Chinese and in English (the English run also in care mode, 关怀模式),
under the guard (guard.py). A journey opens a browser as a role at the entry page, signs in through the login form
(and the second factor for staff), and from there only clicks."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.journeys.guard import Guard
from tests.factories import PASSWORD
from xieshang.accounts.models import STAFF_ROLES

# (language, care mode): every page of every journey is checked in both languages, and in care mode in English.
MODES = {"zh": ("zh-hans", False), "en-care": ("en", True)}


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # The live server's database is flushed between browser tests: the calendar cache must not outlive its rows.
    from xieshang.workflow import calendar

    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture(params=list(MODES))
def mode(request):
    return MODES[request.param]


@pytest.fixture
def language(mode):
    return mode[0]


@pytest.fixture(autouse=True)
def _people_speak_the_run_language(mode):
    """Everyone a journey creates reads the run's language (User.language), as the people of an English office
    would: the notifications written for them before they first sign in are then in that language too."""
    from django.db.models.signals import pre_save

    from xieshang.accounts.models import User

    def speak(sender, instance, **kwargs):
        if instance._state.adding and not instance.language:
            instance.language = mode[0]

    pre_save.connect(speak, sender=User, dispatch_uid="journeys_language", weak=False)
    yield
    pre_save.disconnect(sender=User, dispatch_uid="journeys_language")


@pytest.fixture
def walk(browser, live_server, axe, mode):
    """walk(user or None) -> Guard: a fresh browser at the home page in the run's language and care mode, signed in
    as the user through the forms. guard.page is the page; guard.done() fails the test on anything the guard met."""
    language, care = mode
    contexts, guards = [], []

    def open_as(user=None, *, data=()):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        guard = Guard(page, language, axe, data=set(data))
        guards.append(guard)
        _ = guard._
        page.goto("/")
        # A new user sets the language and care mode from the header, before signing in.
        if language != "zh-hans":
            page.get_by_test_id("language").click()
            expect(page.locator("html")).to_have_attribute("lang", language)
        if care:
            page.get_by_test_id("care").click()
            expect(page.get_by_test_id("care")).to_have_attribute("aria-pressed", "true")
        if user is None:
            return guard
        guard.data |= {user.display_name, *(g.organization.short_name for g in user.role_grants.all())}
        staff = any(g.role in STAFF_ROLES for g in user.role_grants.all())
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True) if staff else None
        page.get_by_role("link", name=_("登录"), exact=True).first.click()
        guard.check("login")
        page.get_by_label(_("用户名或手机号")).fill(user.username)
        page.get_by_label(_("密码")).fill(PASSWORD)
        page.get_by_role("button", name=_("登录")).click()
        if device is not None:
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            page.get_by_label(_("动态验证码")).fill(f"{totp.token():0{device.digits}d}")
            page.get_by_role("button", name=_("验证")).click()
        expect(page.get_by_role("heading", name=_("我的待办"))).to_be_visible()
        guard.check("workbench")
        return guard

    yield open_as
    for context in contexts:
        context.close()
    problems = [p for g in guards for p in g.problems]
    assert not problems, "\n".join(problems)


@pytest.fixture
def consultation_defaults(db):
    """The consultation workflows and duty rules, installed again in case a flush took the data migrations' rows."""
    from xieshang.consultations.workflows import DUTY_RULES, WORKFLOWS
    from xieshang.duties.models import DutyRule
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        install_workflow(definition, overwrite=False)
    for key, kind, label, points in DUTY_RULES:
        DutyRule.objects.get_or_create(
            organization=None, key=key, defaults={"kind": kind, "label": label, "points": points}
        )
