"""Search tests index notifications.Notification through a test-only document type, so no domain model is needed.

The notification's ``kind`` carries the test document's attributes: "vis=org|year=2023|unit=3|sector=5|state=filed"
(vis: public, org, user (the recipient only), staff (proposals staff only), unit (officers of the unit), none (not
searchable)).
"""

import pytest
from django.db import connection

from tests.factories import HandlingUnitFactory, OrganizationFactory, make_user
from xieshang.accounts.models import Role
from xieshang.core import caches
from xieshang.notifications.models import Notification
from xieshang.search import registry

TYPE = "testnote"


def attrs_of(obj) -> dict:
    return dict(part.split("=", 1) for part in obj.kind.split("|") if "=" in part)


def to_document(obj):
    a = attrs_of(obj)
    vis = a.get("vis", "org")
    if vis == "none":
        return None
    visibility = {"public": registry.PUBLIC, "org": registry.ORGANIZATION}.get(vis, registry.RESTRICTED)
    unit_ids = [int(a["unit"])] if a.get("unit") else []
    return registry.SearchDoc(
        title=obj.title,
        body=obj.body,
        organization_id=obj.organization_id,
        year=int(a["year"]) if a.get("year") else obj.created_at.year,
        state=a.get("state", ""),
        category=a.get("cat", ""),
        unit_ids=unit_ids,
        sector_id=int(a["sector"]) if a.get("sector") else None,
        url=f"/notes/{obj.pk}/",
        doc_date=obj.created_at.date(),
        visibility=visibility,
        viewer_user_ids=[obj.recipient_id] if vis == "user" else [],
        viewer_roles=[Role.PROPOSALS_STAFF] if vis == "staff" else [],
        viewer_unit_ids=unit_ids if vis == "unit" else [],
    )


@pytest.fixture(autouse=True)
def _fresh_search_state():
    # Process-wide caches are keyed by counters stored in the database, which every test recreates.
    caches.clear_all()
    yield
    caches.clear_all()


@pytest.fixture
def doc_type(db):
    dtype = registry.register_document_type(
        TYPE, "测试文档", Notification, to_document, states=[("filed", "已立案"), ("closed", "已办结")]
    )
    yield dtype
    registry.unregister_document_type(TYPE)


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="郑州市政协", short_name="郑州", code="zz")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="开封市政协", short_name="开封", code="kf")


@pytest.fixture
def author(org_a):
    return make_user(Role.MEMBER, org_a, username="author")


@pytest.fixture
def make_note(doc_type, author, django_capture_on_commit_callbacks):
    """Create a notification and index it the way a domain service would: index_later inside the write's
    transaction, the task running on commit (immediate task backend)."""
    from django.db import transaction

    from xieshang.search.services import index_later

    def _make(title, body="", organization=None, recipient=None, **attrs):
        kind = "|".join(f"{k}={v}" for k, v in attrs.items())
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient or author,
                organization_id=(organization.pk if organization else author.role_grants.first().organization_id),
                kind=kind,
                title=title,
                body=body,
            )
            index_later(note)
        return note

    return _make


def pg_available() -> bool:
    return connection.vendor == "postgresql"


__all__ = ["HandlingUnitFactory", "TYPE", "attrs_of", "pg_available"]


@pytest.fixture
def no_second_factor(db):
    # Staff pages sit behind the second factor; these tests are about search permissions, not about OTP.
    from xieshang.accounts.models import SecurityPolicy

    SecurityPolicy.objects.create(staff_second_factor=False)
