"""Refused requests (401/403, 404 to a signed-in user) leave an audit row, at most a quota per client and window."""

import pytest
from django.test import override_settings

from xieshang.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_forbidden_admin_page_is_recorded(client, member):
    client.force_login(member)
    response = client.get("/audit/", REMOTE_ADDR="198.51.100.4")
    assert response.status_code in (403, 404)
    row = AuditEntry.objects.get(action="http.refused")
    assert (row.actor, row.result, row.ip_address) == (member, "denied", "198.51.100.4")
    assert row.detail["path"] == "/audit/" and row.detail["status"] == response.status_code


def test_api_401_is_recorded(client):
    response = client.get("/api/proposals/", REMOTE_ADDR="198.51.100.5")
    assert response.status_code == 401
    assert AuditEntry.objects.filter(action="http.refused", ip_address="198.51.100.5").count() == 1


@override_settings(XIESHANG_AUDIT_REFUSALS_PER_WINDOW=5)
def test_a_scan_cannot_flood_the_table(client, member):
    client.force_login(member)
    for n in range(40):
        client.get(f"/proposals/{10_000 + n}/", REMOTE_ADDR="198.51.100.6")
    assert AuditEntry.objects.filter(action="http.refused").count() == 5
    assert AuditEntry.objects.filter(action="http.refusals_throttled").count() == 1


def test_an_anonymous_missing_page_is_not_recorded(client):
    assert client.get("/no-such-page/").status_code == 404
    assert not AuditEntry.objects.exists()
