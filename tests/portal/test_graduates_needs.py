"""Every graduate's needs at once (``graduates_needs``, hook ``portal_support_needs_of``) are what each one's own
(``graduate_needs``) are: the background pairing job asks once for a region instead of once per graduate."""
from __future__ import annotations

from sqlalchemy import event, select

from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.hookspecs import hookimpl
from portal.models import Membership, Region, Role, User
from portal.services.support_areas import graduate_needs, graduates_needs
from tests.sample_plugin.models import SampleNote


def test_every_graduates_needs_at_once_are_each_ones_needs(demo):
    told = set()
    for region in db.session.scalars(select(Region)):
        graduates = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.region_id == region.id, Membership.role == Role.graduate)).all()
        found = graduates_needs([g.id for g in graduates], region)
        assert set(found) == {g.id for g in graduates}
        for graduate in graduates:
            assert found[graduate.id] == graduate_needs(graduate, region), (region.code, graduate.email)
            told.update(found[graduate.id])
    assert len(told) >= 3  # the demo's graduates need help in several areas, from several services


class OneByOne:
    """A plugin written before ``portal_support_needs_of``: it answers one graduate at a time."""

    def __init__(self, needy: int):
        self.needy = needy

    @hookimpl
    def portal_support_needs(self, graduate, region):
        return ["legal", "not-an-area"] if graduate.id == self.needy else []


def test_a_plugin_answering_one_graduate_at_a_time_is_still_asked(app_context, regions, people):
    belgorod = regions["belgorod"]
    graduate, other = people["graduate"], people["mentor"]
    db.session.add(SampleNote(region_id=belgorod.id, user_id=graduate.id, text="needs a flat"))
    host = plugin_host()
    host.manager.register(OneByOne(other.id), name="one_by_one")
    try:
        host.set_enabled(belgorod, "one_by_one", True)
        db.session.commit()
        assert graduates_needs([graduate.id, other.id], belgorod) == {graduate.id: ["housing"], other.id: ["legal"]}
        assert graduates_needs([graduate.id, other.id], belgorod) == {
            graduate.id: graduate_needs(graduate, belgorod), other.id: graduate_needs(other, belgorod)}
    finally:
        host.manager.unregister(name="one_by_one")
    assert graduates_needs([], belgorod) == {}


def test_the_statements_do_not_grow_with_the_graduates(app_context, regions, people):
    from portal.app.plugins import plugin_host
    from tests.helpers import make_user

    belgorod = regions["belgorod"]
    plugin_host().set_enabled(belgorod, "sample", False)  # it answers one graduate at a time (the test above)
    db.session.commit()
    few = [people["graduate"].id]
    many = few + [make_user(f"g{i}@belgorod.test", {belgorod: ["graduate"]}).id for i in range(30)]
    graduates_needs(few, belgorod)  # what is read once and kept (the region's plugins) is not counted
    counts = []
    for ids in (few, many):
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            graduates_needs(ids, belgorod)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1]
