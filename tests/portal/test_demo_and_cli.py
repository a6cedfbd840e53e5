"""`portal demo` and `portal create-admin`."""
from __future__ import annotations

from sqlalchemy import func, select

from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.models import Membership, Region, RegionPlugin, User
from tests import sample_plugin


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Region, User, Membership, RegionPlugin))


def test_demo_creates_regions_people_and_plugin_data_once(app, app_context):
    runner = app.test_cli_runner()
    sample_plugin.calls.clear()
    result = runner.invoke(args=["demo", "--force", "--password", "a-demo-password"])
    assert result.exit_code == 0, result.output
    assert "coordinator@belgorod.demo" in result.output and "a-demo-password" in result.output
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    assert set(regions) == {"belgorod", "smolensk"}
    for code, region in regions.items():
        for role in ("graduate", "mentor", "volunteer", "specialist", "coordinator", "region_admin"):
            user = User.by_email(f"{role}@{code}.demo")
            assert user is not None and user.has_role(region, role)
    # The sample plugin asks to be on in Belgorod only, and fills its demo data there.
    assert "sample" in plugin_host().enabled_in(regions["belgorod"])
    assert "sample" not in plugin_host().enabled_in(regions["smolensk"])
    assert sample_plugin.calls == ["demo:belgorod"]

    before = _counts()
    again = runner.invoke(args=["demo", "--force"])
    assert again.exit_code == 0, again.output
    assert _counts() == before
    assert "left as it was" in again.output


def test_demo_keeps_a_region_admins_choices(app, app_context, demo):
    runner = app.test_cli_runner()
    belgorod = db.session.scalar(select(Region).where(Region.code == "belgorod"))
    plugin_host().set_enabled(belgorod, "sample", False)
    db.session.commit()
    runner.invoke(args=["demo", "--force"])
    assert "sample" not in plugin_host().enabled_in(belgorod)


def test_create_admin(app, app_context):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "Boss@Example.org", "--password", "long-enough-password"])
    assert result.exit_code == 0, result.output
    user = User.by_email("boss@example.org")
    assert user.is_site_admin


def test_create_admin_refuses_a_short_password(app, app_context):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "a@b.org", "--password", "short"])
    assert result.exit_code != 0 and "10 characters" in result.output
    assert User.by_email("a@b.org") is None


def test_site_admin_creates_a_region(client, people):
    client.login_as(people["site_admin"])
    response = client.post("/admin/regions/new", data={
        "code": "irkutsk", "name": "Иркутская область", "timezone": "Asia/Irkutsk",
        "default_locale": "ru", "municipalities": "Иркутск\nАнгарск\n\nИркутск"})
    assert response.status_code == 302
    region = db.session.scalar(select(Region).where(Region.code == "irkutsk"))
    assert [m.name for m in region.municipalities] == ["Ангарск", "Иркутск"]


def test_region_form_errors_keep_the_input(client, people):
    client.login_as(people["site_admin"])
    for code, message in (("login", "зарезервирован"), ("belgorod", "уже есть"), ("Bad Code", "латинские")):
        response = client.post("/admin/regions/new", data={
            "code": code, "name": "Тест", "timezone": "Europe/Moscow", "default_locale": "ru"})
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page and 'value="Тест"' in page
    response = client.post("/admin/regions/new", data={
        "code": "tver", "name": "Тверская", "timezone": "Mars/Base", "default_locale": "ru"})
    assert response.status_code == 422 and "часовой пояс" in response.get_data(as_text=True)


def test_demo_refuses_outside_development_without_force(app, app_context):
    """The README's password is published: the demo people must never appear on a real database."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "--force" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_with_force_outside_development_makes_up_a_password(app, app_context):
    from portal.accounts.demo import DEFAULT_PASSWORD

    result = app.test_cli_runner().invoke(args=["demo", "--force"])
    assert result.exit_code == 0, result.output
    assert DEFAULT_PASSWORD not in result.output
    password = result.output.split("password for all of them: ")[1].split()[0]
    client = app.test_client()
    assert client.post("/login", data={"email": "coordinator@smolensk.demo", "password": DEFAULT_PASSWORD},
                       ).status_code == 200  # refused: the form again
    response = client.post("/login", data={"email": "coordinator@smolensk.demo", "password": password})
    assert response.status_code == 302


def test_grant_role_command_grants_to_an_account_and_invites_an_address(app, app_context):
    from portal.models import Invitation
    from tests.helpers import make_region, make_user

    region = make_region("tver", "Тверская область")
    person = make_user("anna@example.org")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["grant-role", "Anna@Example.org", "tver", "region_admin"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, person.id).has_role(region, "region_admin")
    result = runner.invoke(args=["grant-role", "new@example.org", "tver", "coordinator"])
    assert result.exit_code == 0 and "/invitations/" in result.output
    assert db.session.scalar(select(Invitation).where(Invitation.email == "new@example.org")).role.value == "coordinator"
    assert runner.invoke(args=["grant-role", "x@example.org", "nowhere", "coordinator"]).exit_code != 0
    assert runner.invoke(args=["grant-role", "x@example.org", "tver", "emperor"]).exit_code != 0
