"""Issue #11: the anonymous home page leads to the public faces; the page title does not repeat the site name."""

from django.urls import reverse


def test_anonymous_home_links_to_the_public_portal_proposals_and_rooms(client, db):
    body = client.get("/").content.decode()
    for name in ("consultations:portal", "proposals:public"):
        assert f'href="{reverse(name)}' in body, name
    assert "《郑在协商》" in body and "议事室" in body


def test_anonymous_home_lists_public_rooms(client, db):
    from tests.factories import OrganizationFactory, make_user
    from xieshang.accounts.models import Community
    from xieshang.consultations.models import Room

    org = OrganizationFactory()
    community = Community.objects.create(name="测试社区", organization=org)
    room = Room.objects.create(
        organization=org, community=community, name="测试议事室", convener=make_user(), is_public=True
    )
    body = client.get("/").content.decode()
    assert f'href="{room.get_public_url()}"' in body and "测试议事室" in body


def test_home_page_title_does_not_repeat_the_site_name(client, db):
    body = client.get("/").content.decode()
    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    parts = [part.strip() for part in title.split("·")]
    assert len(parts) == len(set(parts)) and "政协履职与协商平台" in parts, title


def test_admin_pages_name_the_platform_icon(client):
    # Otherwise the browser asks the application for /favicon.ico on every admin page.
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b'rel="icon"' in response.content and b"favicon.svg" in response.content
