"""Issue #11, "English is incomplete": default rows (workflow states, transitions, categories, the timeline's names)
show in the reader's language; a name an organization typed for its own copy shows as typed."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.proposals.test_views_support import login
from xieshang.core.names import named
from xieshang.workflow.models import WorkflowEvent

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_after():
    """A page request leaves its language active in the thread: the next test starts in the default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def page(client, user, p, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    login(client, user)
    return client.get(reverse("proposals:detail", args=[p.pk])).content.decode()


def test_named_translates_default_names_only():
    with translation.override("en"):
        assert named("待审查") == "Awaiting review"
        assert named("经济建设") == "Economic development"
        assert named("本会自定的环节") == "本会自定的环节"
        assert named("") == "" and named(None) is None
    with translation.override("zh-hans"):
        assert named("待审查") == "待审查"


@pytest.mark.parametrize(
    ("language", "state", "start"), [("zh-hans", "审查中", "创建"), ("en", "Under review", "Created")]
)
def test_state_action_and_timeline_in_the_page_language(client, world, language, state, start):
    p = advance(world, make_proposal(world), "under_review")
    assert p.state.name == "审查中"
    html = page(client, world.staff, p, language)
    assert state in html
    assert f'<strong class="wf-action">{start}</strong>' in html
    if language == "en":
        assert "审查中" not in html and "待审查" not in html


def test_a_name_an_organization_typed_shows_as_typed(client, world):
    p = advance(world, make_proposal(world), "under_review")
    p.state.name = "本会自定的审查环节"
    p.state.save(update_fields=["name"])
    assert "本会自定的审查环节" in page(client, world.staff, p, "en")


def test_timeline_names_are_stored_as_their_source_whatever_the_writer_language(world):
    with translation.override("en"):
        p = make_proposal(world)
    start = WorkflowEvent.objects.filter(object_id=p.pk, kind=WorkflowEvent.Kind.START).get()
    assert start.transition_name == "创建"


def test_statistics_name_default_categories_in_the_page_language(world):
    from tests.proposals.test_views_support import make_proposal as classified_proposal
    from xieshang.proposals.statistics import by_category

    p = classified_proposal(world, title="已交办", to="assigned")
    assert p.category is not None and p.category.name == "经济建设"
    with translation.override("en"):
        assert [r["category"] for r in by_category(world.org, None, None)] == ["Economic development"]
    with translation.override("zh-hans"):
        assert [r["category"] for r in by_category(world.org, None, None)] == ["经济建设"]
