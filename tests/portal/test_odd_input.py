"""Odd values in query strings (dates at the ends of the calendar, huge numbers) never make a 500.

Walks every GET route of the core and the plugins, like the access matrix, so a filter added
tomorrow is tried too: a first request records which query parameters the page reads, then each
of them gets each odd value in turn. The demo data gives the pages something to compute with.
"""
from __future__ import annotations

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from portal.app.extensions import db
from portal.models import User

VALUES = ("0001-01-01", "9999-12-31", "99999999999999999999", "-1", "0", "²", "x")
READ: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """Query parameters that remember which names the page asked for."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's name)
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        READ.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


@pytest.mark.parametrize("email", ["coordinator@smolensk.demo", "graduate@smolensk.demo", "mentor@smolensk.demo",
                                   "volunteer@smolensk.demo", "region_admin@smolensk.demo", "admin@portal.demo"])
def test_odd_query_values_get_a_page_not_an_error(app_context, demo, email, monkeypatch):
    app = app_context
    monkeypatch.setattr(app, "request_class", RecordingRequest)
    client = app.test_client()
    client.login_as(db.session.scalar(db.select(User).where(User.email == email)))
    failures, tried = [], 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static" or any(
                isinstance(rule._converters[name], IntegerConverter) for name in rule.arguments):
            continue
        path = rule.build({name: "smolensk" for name in rule.arguments})[1]
        READ.clear()
        if client.get(path).status_code != 200:
            continue
        for name in sorted(READ - {"HX-Request"}):
            for value in VALUES:
                tried += 1
                response = client.get(path, query_string={name: value})
                if response.status_code >= 500:
                    failures.append(f"{path}?{name}={value}: {response.status_code}")
    assert tried and not failures, failures


def test_a_date_nobody_can_mean_gets_a_message(client, people):
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/audit", query_string={"date_to": "9999-12-31"}).get_data(as_text=True)
    assert "Укажите дату между 1900 и 2100 годами." in page
