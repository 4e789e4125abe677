"""A refusal recorded inside a transaction that then rolls back (a service refused inside its caller's atomic block)
stays on record: the request's middleware writes it again. A successful action that rolls back leaves nothing."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.audit.middleware import AuditContextMiddleware
from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


def _request_doing(work):
    def view(request):
        try:
            with transaction.atomic():
                work()
        except Refused:
            return HttpResponse("refused", status=422)
        return HttpResponse("ok")

    request = RequestFactory().post("/x/", REMOTE_ADDR="10.1.2.3")
    return AuditContextMiddleware(view)(request)


def test_a_refusal_rolled_back_with_its_transaction_is_written_again(organization):
    actor = make_user(Role.UNIT_OFFICER, organization)

    def refused_inside_a_transaction():
        audit_record(actor=actor, action="proposals.receive", result=AuditEntry.Result.DENIED, detail={"why": "x"})
        audit_record(actor=actor, action="proposals.note", detail={"half": "written"})
        raise Refused

    response = _request_doing(refused_inside_a_transaction)
    assert response.status_code == 422
    rows = list(AuditEntry.objects.values_list("action", "result", "ip_address", "detail"))
    assert rows == [("proposals.receive", AuditEntry.Result.DENIED, "10.1.2.3", {"why": "x"})]


def test_a_refusal_that_survives_is_not_written_twice(organization):
    actor = make_user(Role.UNIT_OFFICER, organization)

    def refused_but_committed():
        audit_record(actor=actor, action="proposals.receive", result=AuditEntry.Result.DENIED)

    assert _request_doing(refused_but_committed).status_code == 200
    assert AuditEntry.objects.filter(action="proposals.receive").count() == 1
