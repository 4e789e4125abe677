"""Issue #11 point 8: an over-size post gets a page that states the limit (413, in the user's language) and a way
back to the form that keeps the text, with DEBUG off as on; never a traceback."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_user
from xieshang.accounts.models import Role

BIG = "提案正文" * (3 * 1024 * 1024 // 4)  # some 10 MB once form-encoded


@pytest.fixture
def member_client(client, organization):
    client.force_login(make_user(Role.MEMBER, organization))
    return client


@pytest.mark.parametrize("debug", [False, True])
def test_an_over_size_form_post_gets_the_limit_stated(member_client, debug):
    with override_settings(DEBUG=debug):
        response = member_client.post(
            reverse("proposals:create"), {"title": "标题", "body": BIG}, HTTP_REFERER="http://testserver/proposals/new/"
        )
    assert response.status_code == 413
    body = response.content.decode()
    assert 'data-testid="too-large"' in body and "2.5" in body and "MB" in body
    assert 'href="http://testserver/proposals/new/" data-history-back' in body
    assert "Traceback" not in body and "RequestDataTooBig" not in body


def test_the_page_speaks_the_users_language(member_client):
    member_client.cookies["xieshang_language"] = "en"
    response = member_client.post(reverse("proposals:create"), {"body": BIG})
    assert response.status_code == 413 and response["Content-Language"] == "en"


def test_too_many_fields(member_client):
    data = {f"f{i}": "x" for i in range(1200)}
    response = member_client.post(reverse("proposals:create"), data)
    assert response.status_code == 413 and "1000" in response.content.decode()


def test_an_upload_announcing_more_than_the_upload_limit_is_refused_unread(member_client, settings):
    settings.XIESHANG_MAX_UPLOAD_BYTES = 1024
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = member_client.post(
        reverse("proposals:create"), {"title": "t", "file": SimpleUploadedFile("a.pdf", b"%PDF" + b"0" * 4096)}
    )
    assert response.status_code == 413 and "1.0" in response.content.decode()


def test_ordinary_posts_pass(member_client):
    response = member_client.post(reverse("proposals:create"), {"title": "短标题", "body": "正文"})
    assert response.status_code != 413


def test_handler400_turns_djangos_own_refusal_into_the_page(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import RequestDataTooBig

    from xieshang.core.views import bad_request_view

    request = rf.post("/x/")
    request.user = AnonymousUser()
    assert bad_request_view(request, RequestDataTooBig("big")).status_code == 413
    assert bad_request_view(request, ValueError("other")).status_code == 400
