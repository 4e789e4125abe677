import pytest
from hypothesis import settings

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Role

# Property tests judge by their examples, not by the wall clock: on a shared two-core machine (CI runs the suite
# beside other work) hypothesis's 200 ms per-example deadline fails tests that are correct.
settings.register_profile("xieshang", deadline=None)
settings.load_profile("xieshang")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the platform's language: a request through the test client activates the user's language
    in this thread and leaves it active, so an English page in one test would turn the next test's messages English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Policy, rate limits and throttles live in the cache; each test starts from a clean one.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _clear_search_pending():
    # Index pairs collected in a test's transaction (rolled back at its end) must not be indexed by the next test.
    from xieshang.search.services import forget_pending

    forget_pending()
    yield
    forget_pending()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Each test stores its uploads and built files (open-data zips, Word drafts) in a folder of its own: a file one
    test built must not stand in for the one the next test builds, nor land in the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def held_limit_clock(monkeypatch):
    """The abuse limits' clock stands still in the middle of a window: a test that makes a few requests against a
    one-minute limit cannot see a window close between them (core.limits cuts fixed windows from the clock)."""
    from xieshang.core import limits

    moment = 1_800_000_030.0  # 30 s into a minute, ten minutes and an hour; eight hours into a day
    monkeypatch.setattr(limits, "_now", lambda: moment)
    return moment


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="郑州市政协", short_name="郑州", code="zz")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="开封市政协", short_name="开封", code="kf")


@pytest.fixture
def member(organization):
    return make_user(Role.MEMBER, organization, username="member", phone="13800000001")


@pytest.fixture
def user_with_role(organization):
    def _make(role, org=None, **kwargs):
        return make_user(role, org or organization, **kwargs)

    return _make


def pytest_collection_modifyitems(config, items):
    # Browser tests use transactional test cases that flush the database; run them last so that no ordinary test
    # ever runs after a flush (their serialized rollback restores the data migrations' rows for the next one).
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))
    # A transactional test without serialized rollback flushes the database, and the flush's post_migrate signal
    # recreates the content types under new ids; the next serialized-rollback test (the browser tests) then cannot
    # restore the migrated rows. Every transactional test must therefore restore them.
    unsafe = [
        item.nodeid
        for item in items
        for mark in item.iter_markers("django_db")
        if mark.kwargs.get("transaction") and not mark.kwargs.get("serialized_rollback")
    ]
    if unsafe:
        raise pytest.UsageError(f"django_db(transaction=True) needs serialized_rollback=True: {unsafe[:5]}")
