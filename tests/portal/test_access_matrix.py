"""Every route × every kind of visitor gets what its declared policy says.

The test walks ``app.url_map``: a route added tomorrow, by the core or by a
plugin, is checked without anyone having to list it here. A route with no
declared policy fails.
"""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from portal.web.access import AUTHENTICATED, PUBLIC, REGION, SITE_ADMIN

REGION_CODE = "belgorod"
# Values for path parameters by name; integers get an id that does not exist.
SAMPLE_VALUES = {"region_code": REGION_CODE, "code": REGION_CODE, "plugin_name": "sample", "role": "specialist"}
MISSING_ID = 987654

VISITORS = ("anonymous", "graduate", "mentor", "volunteer", "specialist", "coordinator",
            "region_admin", "other_region_admin", "site_admin")
VISITOR_ROLE = {  # (region code, role) each visitor holds
    "graduate": (REGION_CODE, "graduate"),
    "mentor": (REGION_CODE, "mentor"),
    "volunteer": (REGION_CODE, "volunteer"),
    "specialist": (REGION_CODE, "specialist"),
    "coordinator": (REGION_CODE, "coordinator"),
    "region_admin": (REGION_CODE, "region_admin"),
    "other_region_admin": ("smolensk", "region_admin"),
}


def _path(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = MISSING_ID if isinstance(converter, IntegerConverter) else SAMPLE_VALUES.get(name, "x")
    return rule.build(values)[1]


def _expected_allowed(policy, visitor: str) -> bool:
    """Written from the policy's declared data, independently of Policy.permits."""
    if policy.kind == PUBLIC:
        return True
    if visitor == "anonymous":
        return False
    if policy.kind == AUTHENTICATED:
        return True
    if policy.kind == SITE_ADMIN:
        return visitor == "site_admin"
    if policy.kind == REGION:
        if visitor == "site_admin":  # runs any region's admin pages, never its daily work
            return "region_admin" in policy.roles
        held = VISITOR_ROLE.get(visitor)
        if held is None or held[0] != REGION_CODE:
            return False
        return not policy.roles or held[1] in policy.roles
    raise AssertionError(f"unknown policy kind {policy.kind}")


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_declares_a_policy(app):
    missing = [rule.rule for rule, _ in _routes(app)
               if not hasattr(app.view_functions[rule.endpoint], "access_policy")]
    assert not missing, f"routes without an access policy (see portal/access.py): {missing}"


def test_matrix_covers_core_and_plugin_routes(app):
    endpoints = {rule.endpoint for rule, _ in _routes(app)}
    assert {"regions.pending", "admin.plugins", "admin.audit_log", "auth.login", "sample.index"} <= endpoints


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_matrix(app, people, visitor):
    failures = []
    for rule, method in _routes(app):
        policy = app.view_functions[rule.endpoint].access_policy
        client = app.test_client()
        if visitor != "anonymous":
            client.login_as(people[visitor])
        path = _path(rule)
        response = client.post(path, data={}) if method == "POST" else client.open(path, method=method)
        status = response.status_code
        location = response.headers.get("Location", "")
        to_login = status in (301, 302, 303) and location.startswith("/login")
        if _expected_allowed(policy, visitor):
            ok = status < 500 and status != 403 and not (to_login and policy.kind != PUBLIC)
            expected = "allowed (not 403, no sign-in redirect, no 5xx)"
        elif visitor == "anonymous":
            ok = to_login
            expected = "redirect to /login"
        else:
            ok = status == 403
            expected = "403"
        if not ok:
            failures.append(f"{method} {path} [{rule.endpoint}, {policy.kind} {sorted(policy.roles)}]: "
                            f"got {status} {location}, expected {expected}")
    assert not failures, f"{visitor}:\n" + "\n".join(failures)


def test_plugin_switched_off_answers_404_for_everyone(app, people, regions):
    from portal.app.extensions import db
    from portal.app.plugins import plugin_host

    plugin_host().set_enabled(regions["belgorod"], "sample", False)
    db.session.commit()
    for visitor in VISITORS:
        client = app.test_client()
        if visitor != "anonymous":
            client.login_as(people[visitor])
        for path in ("/belgorod/sample/", "/belgorod/sample/staff"):
            assert client.get(path).status_code == 404, (visitor, path)


def test_ids_too_large_for_the_database_are_not_found(app, people):
    """A 20-digit id is no record: 404 on every route taking one, never a database error."""
    huge = 10**20
    checked, failures = 0, []
    for rule, method in _routes(app):
        if not any(isinstance(rule._converters[name], IntegerConverter) for name in rule.arguments):
            continue
        values = {name: huge if isinstance(rule._converters[name], IntegerConverter)
                  else SAMPLE_VALUES.get(name, "x") for name in rule.arguments}
        path = rule.build(values)[1]
        for visitor in ("coordinator", "site_admin"):
            client = app.test_client()
            client.login_as(people[visitor])
            response = client.post(path, data={}) if method == "POST" else client.open(path, method=method)
            checked += 1
            if response.status_code != 404:
                failures.append(f"{visitor} {method} {path}: {response.status_code}")
    assert checked > 10 and not failures, failures


@pytest.mark.parametrize("text, expected", [("12", 12), (" 7 ", 7), ("2147483647", 2147483647), ("2147483648", None),
                                            ("0", None), ("-3", None), ("²", None), ("١٢", None), ("", None),
                                            (None, None), ("9" * 40, None), ("1e3", None)])
def test_ids_from_forms_are_plain_numbers_a_record_could_have(text, expected):
    from portal.web.ids import parse_id

    assert parse_id(text) == expected
