"""The layout is accessible: landmarks, a skip link, labelled fields, unique ids; htmx from our own files."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from portal.app.extensions import db
from portal.models import MembershipStatus
from tests.helpers import make_user

PAGES = {
    "anonymous": ["/", "/login", "/belgorod/register"],
    "coordinator": ["/belgorod/", "/belgorod/members/pending", "/profile", "/notifications"],
    "region_admin": ["/belgorod/admin/plugins", "/belgorod/admin/members", "/belgorod/admin/audit"],
    "site_admin": ["/admin/regions", "/admin/regions/new", "/admin/regions/belgorod/edit"],
}


@pytest.mark.parametrize("visitor", list(PAGES))
def test_pages_are_well_formed(app, people, regions, visitor):
    make_user("waiting1@example.org", {regions["belgorod"]: ["mentor"]}, status=MembershipStatus.pending)
    make_user("waiting2@example.org", {regions["belgorod"]: ["graduate"]}, status=MembershipStatus.pending)
    db.session.commit()
    client = app.test_client()
    if visitor != "anonymous":
        client.login_as(people[visitor])
    for path in PAGES[visitor]:
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert re.search(r'<html lang="(ru|en)">', page)
        assert 'class="skip-link" href="#main"' in page and '<main id="main"' in page
        assert "<header" in page and "<footer" in page
        assert '="None"' not in page, path
        ids = Counter(re.findall(r'\sid="([^"]+)"', page))
        assert not [i for i, n in ids.items() if n > 1], (path, [i for i, n in ids.items() if n > 1])
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', page):
            if f'id="{field_id}" name="csrf_token"' in page or "csrf_token" in field_id:
                continue
            tag = re.search(rf'<(?:input|select|textarea)[^>]*\sid="{re.escape(field_id)}"[^>]*>', page).group(0)
            if 'type="hidden"' in tag or 'type="submit"' in tag:
                continue
            labelled = f'for="{field_id}"' in page or re.search(
                rf'<label class="check">\s*<input[^>]*id="{re.escape(field_id)}"', page)
            assert labelled, (path, field_id)
        assert re.search(r"/static/htmx\.min\.[0-9a-f]{12}\.js", page) and "cdn" not in page.lower()


def test_htmx_is_served_from_the_portal_with_its_version(client):
    response = client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("/* htmx.org 2.0.11")


def test_htmx_is_configured_safely(client):
    page = client.get("/").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)
    for setting in ('"selfRequestsOnly": true', '"allowEval": false', '"allowScriptTags": false',
                    '"historyCacheSize": 0'):
        assert setting in config


def test_the_menu_marks_one_entry_for_the_page(client, people, regions):
    """Plugin pages under a plugin's start page mark their own entry only."""
    import re

    client.login_as(people["specialist"])
    for path, label in (("/belgorod/mentorship/mentorships", "Наставнические пары"),
                        ("/belgorod/mentorship/", "Наставничество")):
        html = client.get(path).get_data(as_text=True)
        nav = html[html.index('id="region-nav"'):html.index("</nav>", html.index('id="region-nav"'))]
        current = re.findall(r'aria-current="page">([^<]+)</a>', nav)
        assert current == [label], (path, current)


def _menu(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    start = html.index('id="region-nav"')
    return html[start:html.index("</nav>", start)]


def test_a_kept_menu_is_the_one_for_this_language_these_roles_and_this_page(app, client, people, regions):
    """Menus are rendered once and kept by what is in them: another language, role or page gets its own."""
    client.login_as(people["coordinator"])
    first = _menu(client, "/belgorod/")
    assert _menu(client, "/belgorod/") == first
    assert "Подбор пар" in first and re.findall(r'aria-current="page">([^<]+)</a>', first) == ["Главная"]
    elsewhere = _menu(client, "/belgorod/admin/members")
    assert re.findall(r'aria-current="page">([^<]+)</a>', elsewhere) == ["Участники"]
    people["coordinator"].locale = "en"
    db.session.commit()
    english = _menu(client, "/belgorod/")
    assert "Matching board" in english and 'aria-current="page">Dashboard' in english and "Подбор" not in english
    graduate = app.test_client()
    graduate.login_as(people["graduate"])
    theirs = _menu(graduate, "/belgorod/")
    assert "Подбор пар" not in theirs and 'data-plugin="social_hotel"' in theirs
    assert len(app.extensions["portal_menus"]) >= 4


def test_home_offers_register_only_in_regions_the_person_does_not_belong_to(client, people, regions):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/belgorod/register"' in page and 'href="/smolensk/register"' in page
    client.login_as(people["graduate"])  # a member in Belgorod only
    page = client.get("/").get_data(as_text=True)
    assert 'href="/belgorod/register"' not in page and 'href="/smolensk/register"' in page
    assert 'href="/belgorod/"' in page


def test_static_files_carry_their_hash_are_cached_for_long_and_compressed(client):
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'src="(/static/htmx\.min\.[0-9a-f]{12}\.js)"', page)
    assert found, "the page names htmx by its hash"
    response = client.get(found.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert len(response.data) < len(client.get("/static/htmx.min.js").data) / 2
    plain = client.get("/static/portal.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]


def test_every_page_a_visitor_opens_stays_under_100_kb(client, people):
    for person, path in ((None, "/"), (people["region_admin"], "/belgorod/admin/members"),
                         (people["region_admin"], "/belgorod/admin/audit"), (people["coordinator"], "/belgorod/")):
        if person is not None:
            client.login_as(person)
        assert len(client.get(path).data) < 100 * 1024, path
