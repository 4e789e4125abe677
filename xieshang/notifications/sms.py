"""Pluggable SMS gateways. settings.SMS_GATEWAY names the class; the default logs instead of sending."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("xieshang.sms")


class SmsGatewayError(Exception):
    pass


class InboundMixin:
    """Replies people send to the platform's number, as the provider posts them to /notifications/sms/inbound/ with
    the bearer token SMS_INBOUND_TOKEN: JSON {"id", "phone", "text"} or a list of those under "messages" (or the same
    fields form-encoded). A provider with another shape gets a subclass overriding inbound()."""

    def inbound(self, request) -> list[tuple[str, str, str]]:
        """(provider id, phone, text) of each reply in the request; ValueError when the body is not understood."""
        if request.content_type == "application/json":
            data = json.loads(request.body or b"{}")
            rows = data.get("messages", [data]) if isinstance(data, dict) else data
        else:
            rows = [request.POST.dict()]
        out = []
        for row in rows:
            if not isinstance(row, dict) or not all(str(row.get(k, "")).strip() for k in ("id", "phone", "text")):
                raise ValueError("each message needs id, phone and text")
            out.append((str(row["id"]), str(row["phone"]), str(row["text"])))
        return out


class LogGateway(InboundMixin):
    """Keeps the message in SmsMessage (already written by the caller) and the log: for the demo and the tests.

    Every gateway's send() takes the message's idempotency key (SmsMessage.key): a task that runs again after its
    worker died sends the same key, and the provider delivers a key once (notifications.tasks.deliver_sms)."""

    def send(self, phone: str, text: str, key: str = "") -> None:
        logger.info("SMS %s to %s: %s", key, phone, text)


class HttpGateway(InboundMixin):
    """POSTs JSON {"phone", "text", "sign", "id"} with a bearer token to SMS_HTTP_URL; any 2xx answer counts as sent.
    "id" (and the Idempotency-Key header) is the message's idempotency key: providers deliver one message per id
    (their "out id" / client reference), so a send repeated after a lost answer or a killed worker is not delivered
    twice. Providers with another shape get a small subclass overriding payload()."""

    timeout = 10

    def payload(self, phone: str, text: str, key: str = "") -> dict:
        return {"phone": phone, "text": text, "sign": settings.SMS_HTTP_SIGN, "id": key}

    def send(self, phone: str, text: str, key: str = "") -> None:
        if not settings.SMS_HTTP_URL:
            raise SmsGatewayError("SMS_HTTP_URL is not set")
        request = urllib.request.Request(  # noqa: S310 - the URL comes from the operator's settings
            settings.SMS_HTTP_URL,
            data=json.dumps(self.payload(phone, text, key)).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
                "Idempotency-Key": key,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise SmsGatewayError(f"gateway answered {response.status}")
        except OSError as exc:
            raise SmsGatewayError(str(exc)) from exc


def get_gateway():
    return import_string(settings.SMS_GATEWAY)()
