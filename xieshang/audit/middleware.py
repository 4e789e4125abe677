from django.conf import settings
from django.core.cache import cache

from .context import current_ip, pending_refusals, refusal_recorded


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it, which the
    # deployment expresses by setting REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


def _refused(request, response) -> bool:
    if response.status_code in (401, 403):
        return True
    # A 404 to a signed-in user is how access helpers refuse another organization's object; to anonymous visitors it
    # is mostly a missing page.
    user = getattr(request, "user", None)
    return response.status_code == 404 and bool(user is not None and user.is_authenticated)


def refusal_quota(ip: str | None, user_id) -> str:
    """ "record", "summary" (the first refusal over the quota: one row saying the rest are not kept) or "skip": a
    scan cannot flood the table."""
    window = settings.XIESHANG_AUDIT_REFUSALS_WINDOW_SECONDS
    key = f"audit:refusals:{ip or '-'}:{user_id or '-'}"
    try:
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    except Exception:  # a cache that is down must not turn a refusal into an error; record it
        return "record"
    limit = settings.XIESHANG_AUDIT_REFUSALS_PER_WINDOW
    if count <= limit:
        return "record"
    return "summary" if count == limit + 1 else "skip"


def record_refusal(request, response) -> None:
    from .services import audit_record

    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    verdict = refusal_quota(current_ip.get(), getattr(actor, "pk", None))
    if verdict == "skip":
        return
    detail = {"method": request.method, "path": request.path[:300], "status": response.status_code}
    if verdict == "summary":
        detail["note"] = "further refusals from this client are not recorded in this window"
    audit_record(
        actor=actor,
        action="http.refused" if verdict == "record" else "http.refusals_throttled",
        result="denied",
        organization=getattr(request, "organization", None),
        detail=detail,
    )


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        pending = []
        pending_token = pending_refusals.set(pending)
        recorded_token = refusal_recorded.set(False)
        try:
            response = self.get_response(request)
            # A service that refused has written its own row; the others leave one here.
            if _refused(request, response) and not refusal_recorded.get():
                record_refusal(request, response)
            return response
        finally:
            pending_refusals.reset(pending_token)
            refusal_recorded.reset(recorded_token)
            try:
                if pending:
                    from .services import keep_rolled_back_refusals

                    keep_rolled_back_refusals(pending)
            finally:
                current_ip.reset(token)
