from .context import current_ip, pending_refusals


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it, which the
    # deployment expresses by setting REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        pending = []
        pending_token = pending_refusals.set(pending)
        try:
            return self.get_response(request)
        finally:
            pending_refusals.reset(pending_token)
            try:
                if pending:
                    from .services import keep_rolled_back_refusals

                    keep_rolled_back_refusals(pending)
            finally:
                current_ip.reset(token)
