"""A creating form acts once per submission: a resubmit, a slow network or a double click lands on the first result.

Pages render a one-time token in every creating form (`{% submission_token %}` from the `xieshang` template tags);
the view carries `@once_per_submission` (one line). A post with a token:

1. finds a Submission row of this user, path and token → redirects to the first result with a short message;
2. otherwise inserts that row first, inside one transaction with the view: the first post claims the token, a
   concurrent post with the same token waits on the unique index (PostgreSQL) or on the write lock (SQLite's
   IMMEDIATE transactions) and then finds the committed row; the view creates, and the redirect it answers with is
   recorded as the result;
3. a rejected post (any answer but a redirect, or a redirect carrying an error message) rolls the claim back with
   everything else: the form comes back with what was typed and the same token, which works once the errors are fixed.

The database is the only store, so it works on SQLite without Redis and across processes. A post without a token
(an old page, a script) acts as before; anonymous posts are not tracked (nobody to key them to).

The API uses the same rows through `Idempotency-Key`: `@decorate_view(once_per_key)` on a ninja operation replays
the first 2xx answer (status and body, with `Idempotent-Replayed: true`) and answers 422 when the key comes back with
a different request body."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _

from .models import Submission

FIELD = "submission_token"
HEADER = "Idempotency-Key"
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")

View = Callable[..., HttpResponse]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _valid(value: Any) -> str | None:
    value = str(value or "")
    return value if _TOKEN.match(value) else None


def posted_token(request: HttpRequest) -> str | None:
    return _valid(request.POST.get(FIELD)) if request.method == "POST" else None


def token_for(request: HttpRequest | None) -> str:
    """The token a form renders: the one just posted when the post was rejected (the form keeps its token), else a
    new one."""
    if request is None or getattr(request, DONE, None) is not None:
        return new_token()
    return posted_token(request) or new_token()


DONE = "_submission_result"


def mark_done(request: HttpRequest, result: str) -> None:
    """For a view that answers a successful post with a page or an htmx fragment instead of a redirect: record
    `result` (the URL a repeated post lands on), and forms rendered from now on get a new token."""
    setattr(request, DONE, result)


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _first(token: str, user_id: int, path: str) -> Submission | None:
    return Submission.objects.filter(token=token, user_id=user_id, path=path[:255]).first()


class _Rejected(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _claimed(token: str, user_id: int, path: str) -> Submission | None:
    """Insert the claim in a savepoint; None when a committed claim already holds the token."""
    try:
        with transaction.atomic():
            return Submission.objects.create(token=token, user_id=user_id, path=path[:255])
    except IntegrityError:
        return None


def _errors_added(request: HttpRequest, before: int) -> bool:
    queued = getattr(messages.get_messages(request), "_queued_messages", [])
    return any(m.level >= messages.ERROR for m in queued[before:])


def _queued(request: HttpRequest) -> int:
    return len(getattr(messages.get_messages(request), "_queued_messages", []))


def _land_on_first(request: HttpRequest, first: Submission) -> HttpResponse:
    messages.info(request, _("这份表单已经提交过，没有重复创建；以下是第一次提交的结果。"))
    if request.headers.get("HX-Request"):
        # htmx follows a redirect inside its target; HX-Redirect makes the browser open the first result instead.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = first.result
        return response
    return HttpResponseRedirect(first.result)


def run_once(
    request: HttpRequest,
    token: str,
    act: Callable[[], HttpResponse],
    *,
    succeeded: Callable[[HttpResponse], dict[str, Any] | None],
    replay: Callable[[Submission], HttpResponse],
) -> HttpResponse:
    """The claim, the action and the record in one transaction. succeeded(response) returns the Submission fields
    to record (the result URL; the API's body) or None for a rejection, which rolls everything back."""
    user_id = _user_id(request)
    assert user_id is not None
    path = request.path
    first = _first(token, user_id, path)
    if first is not None:
        return replay(first)
    try:
        with transaction.atomic():
            claim = _claimed(token, user_id, path)
            if claim is None:
                first = _first(token, user_id, path)
            else:
                response = act()
                record = succeeded(response)
                if record is None:
                    raise _Rejected(response)
                record["status"] = response.status_code
                for name, value in record.items():
                    setattr(claim, name, value)
                claim.save(update_fields=list(record))
                return response
    except _Rejected as rejected:
        return rejected.response
    if first is None:  # the concurrent claim was rolled back between our insert and our read: try again
        return run_once(request, token, act, succeeded=succeeded, replay=replay)
    return replay(first)


def once_per_submission(view: View) -> View:
    """Decorate a creating view: a post carrying a token acts once (module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = posted_token(request)
        if token is None or _user_id(request) is None:
            return view(request, *args, **kwargs)
        before = _queued(request)

        def succeeded(response: HttpResponse) -> dict[str, Any] | None:
            marked = getattr(request, DONE, None)
            if marked is not None:
                return {"result": str(marked)[:500]}
            if response.status_code not in (301, 302, 303) or _errors_added(request, before):
                return None
            return {"result": str(response["Location"])[:500]}

        return run_once(
            request,
            token,
            lambda: view(request, *args, **kwargs),
            succeeded=succeeded,
            replay=lambda first: _land_on_first(request, first),
        )

    wrapper.acts_once = True  # type: ignore[attr-defined]  # tests/core/test_idempotency.py finds the creating views
    return wrapper


def acts_once(view: Any) -> bool:
    """Whether a view (under any other decorators) is wrapped by once_per_submission."""
    while view is not None:
        if getattr(view, "acts_once", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def _fingerprint(request: HttpRequest) -> str:
    return hashlib.sha256(request.body).hexdigest()


def _api_replay(request: HttpRequest, first: Submission) -> HttpResponse:
    if first.fingerprint != _fingerprint(request):
        return JsonResponse(
            {
                "detail": _("这个 Idempotency-Key 已用于另一份请求内容，请换一个新的键。"),
                "code": "idempotency_key_reused",
            },
            status=422,
        )
    response = HttpResponse(first.body, status=first.status, content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def once_per_key(view: View) -> View:
    """For an API operation (`@decorate_view(once_per_key)`): an `Idempotency-Key` header makes the call act once;
    the same key again replays the first 2xx answer. Without the header the call acts as before."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _valid(request.headers.get(HEADER))
        if token is None or _user_id(request) is None:
            return view(request, *args, **kwargs)

        def succeeded(response: HttpResponse) -> dict[str, Any] | None:
            if not 200 <= response.status_code < 300:
                return None
            return {"body": response.content.decode(), "fingerprint": _fingerprint(request)}

        return run_once(
            request,
            token,
            lambda: view(request, *args, **kwargs),
            succeeded=succeeded,
            replay=lambda first: _api_replay(request, first),
        )

    return wrapper


def forget_older_than(days: int = 30) -> int:
    """Drop receipts older than `days`: a form is not resubmitted a month later."""
    from datetime import timedelta

    from django.utils import timezone

    deleted, _counts = Submission.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
