"""The plugin contract: hooks documented, wired by the core, gated by region."""
from __future__ import annotations

import inspect
import re

import pytest
from flask import Blueprint

from portal import create_app, hookspecs
from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.app.wiring import PluginContractError
from tests import sample_plugin
from tests.conftest import TEST_SETTINGS

HOOKS = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("portal_")]


def test_hooks_exist():
    assert len(HOOKS) >= 11


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented(name):
    spec = getattr(hookspecs, name)
    doc = inspect.getdoc(spec) or ""
    assert doc, f"{name} has no docstring"
    assert ":return:" in doc or "None" in str(inspect.signature(spec).return_annotation), \
        f"{name} does not say what it returns"
    for parameter in inspect.signature(spec).parameters:
        assert re.search(rf":param {parameter}:", doc), f"{name}: parameter {parameter} is undocumented"


def test_sample_plugin_implements_every_hook():
    implemented = {name for name in HOOKS if hasattr(sample_plugin, name)}
    assert implemented == set(HOOKS)


def test_navigation_and_cards_follow_the_region_switch(client, people, regions):
    client.login_as(people["specialist"])
    page = client.get("/belgorod/").get_data(as_text=True)
    assert 'data-plugin="sample"' in page
    assert "notes: 0" in page  # the dashboard card
    plugin_host().set_enabled(regions["belgorod"], "sample", False)
    db.session.commit()
    page = client.get("/belgorod/").get_data(as_text=True)
    assert 'data-plugin="sample"' not in page
    assert "notes: 0" not in page
    assert client.get("/belgorod/sample/").status_code == 404


def test_navigation_entries_filtered_by_role(client, people):
    client.login_as(people["graduate"])
    page = client.get("/belgorod/sample/").get_data(as_text=True)
    assert "/belgorod/sample/staff" not in page
    client.login_as(people["specialist"])
    page = client.get("/belgorod/sample/").get_data(as_text=True)
    assert "/belgorod/sample/staff" in page


def test_plugin_data_stays_while_switched_off(client, people, regions):
    from tests.sample_plugin.models import SampleNote

    belgorod = regions["belgorod"]
    db.session.add(SampleNote(region_id=belgorod.id, user_id=people["graduate"].id, text="kept"))
    plugin_host().set_enabled(belgorod, "sample", False)
    db.session.commit()
    client.login_as(people["graduate"])
    assert client.get("/belgorod/sample/").status_code == 404
    plugin_host().set_enabled(belgorod, "sample", True)
    db.session.commit()
    assert "kept" in client.get("/belgorod/sample/").get_data(as_text=True)


def test_plugin_off_in_one_region_is_on_in_another(client, people, regions):
    plugin_host().set_enabled(regions["smolensk"], "sample", False)
    db.session.commit()
    client.login_as(people["graduate"])
    assert client.get("/belgorod/sample/").status_code == 200


def test_plugin_cli_command_is_added(app):
    result = app.test_cli_runner().invoke(args=["sample-hello"])
    assert result.exit_code == 0
    assert "hello from sample" in result.output


def test_support_needs_are_merged_and_checked(app_context, people, regions):
    from portal.services.support_areas import graduate_needs
    from tests.sample_plugin.models import SampleNote

    graduate, belgorod = people["graduate"], regions["belgorod"]
    assert graduate_needs(graduate, belgorod) == []
    db.session.add(SampleNote(region_id=belgorod.id, user_id=graduate.id, text="needs a flat"))
    db.session.commit()
    assert graduate_needs(graduate, belgorod) == ["housing"]  # the unknown code is dropped
    plugin_host().set_enabled(belgorod, "sample", False)
    assert graduate_needs(graduate, belgorod) == []


def test_export_and_erasure_reach_the_plugin(app_context, people, regions):
    from portal.accounts.people import erase_person, export_person
    from portal.models import AuditEvent, User
    from tests.sample_plugin.models import SampleNote

    graduate = people["graduate"]
    db.session.add(SampleNote(region_id=regions["belgorod"].id, user_id=graduate.id, text="mine"))
    db.session.commit()
    data = export_person(graduate)
    assert data["account"]["email"] == graduate.email
    assert data["plugins"]["sample"] == {"notes": ["mine"]}
    user_id, email = graduate.id, graduate.email
    from portal.services import audit
    audit.record("login", actor=graduate, commit=True)
    erase_person(graduate)
    assert db.session.get(User, user_id) is None
    assert SampleNote.query.filter_by(user_id=user_id).count() == 0
    labels = [e.actor_label for e in AuditEvent.query.all()]
    assert email not in labels and f"erased:{user_id}" in labels


def test_erase_person_cli(app, app_context, people):
    email = people["volunteer"].email
    result = app.test_cli_runner().invoke(args=["erase-person", email, "--yes"])
    assert result.exit_code == 0, result.output
    from portal.models import User
    assert User.by_email(email) is None


def test_plugin_translations_are_merged(client, people):
    client.login_as(people["graduate"])
    page = client.get("/belgorod/sample/").get_data(as_text=True)
    assert "Пробная служба" in page


def test_plugin_audit_actions_are_labelled(client, people, regions):
    from tests.sample_plugin.models import SampleNote

    note = SampleNote(region_id=regions["belgorod"].id, user_id=people["graduate"].id, text="x")
    db.session.add(note)
    db.session.commit()
    client.login_as(people["specialist"])
    assert client.get(f"/belgorod/sample/notes/{note.id}").status_code == 200
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/audit?action=sample.note.viewed").get_data(as_text=True)
    assert "Просмотрена пробная запись" in page
    assert f"sample_note:{note.id}" in page


def test_plugin_tables_carry_the_plugin_prefix(app):
    for mapper in db.Model.registry.mappers:
        module = mapper.class_.__module__
        if module.startswith("plugins."):
            name = module.split(".")[1]
        elif module.startswith("tests.sample_plugin"):
            name = "sample"
        else:
            continue
        for table in mapper.tables:
            assert table.name.startswith(f"{name}_"), f"{table.name} must start with {name}_"


def _app_with(plugin_name, plugin):
    return create_app(dict(TEST_SETTINGS, PORTAL_EXTRA_PLUGINS=[(plugin_name, plugin)],
                           DATABASE_URL="sqlite://"))


def test_a_view_without_access_policy_is_refused_at_start_up():
    bp = Blueprint("careless", __name__)

    @bp.route("/")
    def index():
        return "open to all by mistake"

    class Careless:
        @hookspecs.hookimpl
        def portal_blueprint(self):
            return bp

    with pytest.raises(PluginContractError, match="access policy"):
        _app_with("careless", Careless())


def test_a_blueprint_must_carry_the_plugin_name():
    class Misnamed:
        @hookspecs.hookimpl
        def portal_blueprint(self):
            return Blueprint("other", __name__)

    with pytest.raises(PluginContractError, match="named"):
        _app_with("misnamed", Misnamed())


def test_region_admin_sees_installed_plugins_with_titles(client, people):
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/plugins").get_data(as_text=True)
    assert "Пробная служба" in page and "Служба, которой пользуются тесты." in page


def test_switching_a_plugin_is_audited(client, people):
    from portal.models import AuditEvent

    client.login_as(people["region_admin"])
    response = client.post("/belgorod/admin/plugins/sample", data={"enabled": "0"},
                           headers={"HX-Request": "true", "HX-Target": "plugin-sample"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="plugin-sample"' in body and 'hx-swap-oob="true"' in body
    assert 'data-plugin="sample"' not in body  # the navigation swapped in without it
    assert AuditEvent.query.filter_by(action="plugin.disabled", target="plugin:sample").count() == 1


def test_switching_off_a_plugin_in_use_asks_first_and_says_what_is_in_use(client, people, regions):
    from tests.sample_plugin.models import SampleNote

    belgorod = regions["belgorod"]
    client.login_as(people["region_admin"])
    db.session.add(SampleNote(region_id=belgorod.id, user_id=people["graduate"].id, text="kept"))
    db.session.commit()
    question = client.post("/belgorod/admin/plugins/sample", data={"enabled": "0"})
    assert question.status_code == 200 and "1 sample notes" in question.get_data(as_text=True)
    assert 'name="confirmed" value="1"' in question.get_data(as_text=True)
    row = client.post("/belgorod/admin/plugins/sample", data={"enabled": "0"}, headers={"HX-Request": "true"})
    assert row.get_data(as_text=True).startswith('<tr id="plugin-sample"') and "1 sample notes" in row.get_data(as_text=True)
    assert "sample" in plugin_host().enabled_in(belgorod)  # asking switched nothing off
    done = client.post("/belgorod/admin/plugins/sample", data={"enabled": "0", "confirmed": "1"})
    assert done.status_code == 302
    assert "sample" not in plugin_host().enabled_in(belgorod)
    assert client.post("/belgorod/admin/plugins/sample", data={"enabled": "1"}).status_code == 302  # on: no question
    assert "sample" in plugin_host().enabled_in(belgorod)


def test_switching_off_a_plugin_nothing_uses_is_one_click(client, people, regions):
    client.login_as(people["region_admin"])
    assert client.post("/belgorod/admin/plugins/sample", data={"enabled": "0"}).status_code == 302
    assert "sample" not in plugin_host().enabled_in(regions["belgorod"])


def test_a_role_whose_services_are_off_is_not_offered_and_its_holders_are_told(client, people, regions):
    belgorod = regions["belgorod"]
    page = client.get("/belgorod/register").get_data(as_text=True)
    assert 'value="mentor"' in page and 'value="volunteer"' in page and 'value="graduate"' in page
    plugin_host().set_enabled(belgorod, "mentorship", False)
    db.session.commit()
    page = client.get("/belgorod/register").get_data(as_text=True)
    assert 'value="mentor"' not in page and 'value="graduate"' in page
    refused = client.post("/belgorod/register", data={"role": "mentor", "name": "Наставник", "email": "m@example.org",
                                                      "password": "long-password-1", "confirm": "long-password-1"})
    assert refused.status_code in (200, 422) and "m@example.org" in refused.get_data(as_text=True)
    client.login_as(people["mentor"])
    page = client.get("/belgorod/").get_data(as_text=True)
    assert "не ведёт" in page or "does not run" in page
    client.login_as(people["graduate"])
    assert "не ведёт" not in client.get("/belgorod/").get_data(as_text=True)
