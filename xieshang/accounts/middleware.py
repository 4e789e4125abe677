"""Session security: idle timeout, forced password change, second factor for staff, the current organization."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware

from xieshang.core import fragments
from xieshang.core.http import is_background

from .policy import current_policy
from .selectors import is_staff_person, user_organizations
from .services import password_expired

SESSION_LAST_SEEN = "xieshang_last_seen"
SESSION_STARTED = "xieshang_session_started"
SESSION_ORGANIZATION = "xieshang_organization"
# The idle timestamp is written at most once a minute: writing it on every request saved the session (a database
# UPDATE and a cache write) on every page view. The timeout is then exact to within this many seconds.
LAST_SEEN_EVERY = 60


def request_policy(request):
    """The security policy, read from the cache once per request (the middlewares below all ask for it)."""
    policy = getattr(request, "_security_policy", None)
    if policy is None:
        policy = request._security_policy = current_policy()
    return policy


def session_started(sender, request, user, **kwargs):
    """user_logged_in: the absolute lifetime and the idle clock start at each sign-in."""
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


class IdleTimeoutMiddleware:
    """Log out a session that has been idle longer than the policy allows (30 minutes by default), and any session
    older than XIESHANG_SESSION_ABSOLUTE_HOURS however active. Only requests the user makes count as activity: views
    marked core.http.background_request (a live page's polling, a dashboard's refresh) do not keep a session alive."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN)
            limit = request_policy(request).idle_timeout_minutes * 60
            lifetime = settings.XIESHANG_SESSION_ABSOLUTE_HOURS * 3600
            if now - started > lifetime:
                logout(request)
                messages.info(
                    request,
                    _("您已连续登录超过 %(h)d 小时，为保护账户安全已自动退出，请重新登录。") % {"h": lifetime // 3600},
                )
                return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                messages.info(
                    request, _("您已超过 %(m)d 分钟未操作，为保护账户安全已自动退出，请重新登录。") % {"m": limit // 60}
                )
                return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
            if last_seen is None:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated and not is_background(view_func):
            now = time.time()
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if last_seen is None or now - last_seen >= LAST_SEEN_EVERY:
                request.session[SESSION_LAST_SEEN] = now
        return None


# Paths any signed-in user may reach while a gate is pending: static files, the language switch, the health check.
_GATE_EXEMPT_PREFIXES = ("/static/", "/i18n/", "/core/prefs/", "/healthz")
# Pages of the accounts app open before the second factor: signing in again, signing out and the second factor itself.
_SECOND_FACTOR_OPEN = ("accounts:login", "accounts:logout", "accounts:otp_verify")
# Open before a required password change: the above and the password change page.
_PASSWORD_OPEN = (*_SECOND_FACTOR_OPEN, "accounts:password_change")


def _open_paths(names) -> tuple[str, ...]:
    return tuple(reverse(name) for name in names)


class SecurityGateMiddleware:
    """Before anything else, staff must pass a second factor when the policy asks for one; then a user with an
    initial or expired password must change it. Until the second factor is passed, nothing but the second-factor
    page (and signing out) opens: not the password change, not the organization switch, not the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(_GATE_EXEMPT_PREFIXES):
            policy = request_policy(request)
            if policy.staff_second_factor and is_staff_person(user) and not user.is_verified():
                if request.path not in _open_paths(_SECOND_FACTOR_OPEN):
                    return redirect(f"{reverse('accounts:otp_verify')}?next={request.get_full_path()}")
            elif (user.must_change_password or password_expired(user, policy)) and request.path not in _open_paths(
                _PASSWORD_OPEN
            ):
                return redirect(f"{reverse('accounts:password_change')}?next={request.get_full_path()}")
        return self.get_response(request)


class CurrentOrganizationMiddleware:
    """request.organization: the organization the user works in now (chosen in the header when several)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        if request.user.is_authenticated:
            chosen = request.session.get(SESSION_ORGANIZATION)
            orgs = user_organizations(request.user)
            request.organization = next((o for o in orgs if o.pk == chosen), orgs[0] if orgs else None)
            request.organizations = orgs
        return self.get_response(request)


# Every write of a second-factor device table (a device added, confirmed, deleted, a code verified) moves this
# generation (core.generations.watch, accounts.invalidation).
DEVICES_GENERATION = "accounts:otp-devices"


class KeptDeviceOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the session's second-factor device kept in the shared cache until a device table
    is written, instead of read on every request. django-otp still checks that it is the user's and confirmed."""

    def _device_from_persistent_id(self, persistent_id: str):
        return fragments.value(
            f"accounts:otp-device:{persistent_id}",
            lambda: super(KeptDeviceOTPMiddleware, self)._device_from_persistent_id(persistent_id),
            generations=(DEVICES_GENERATION,),
            seconds=300,
        )
