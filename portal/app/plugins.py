"""The plugin host: which plugins are installed, and which a region runs."""
from __future__ import annotations

import logging
import uuid
from typing import Any, Iterable, Mapping

import pluggy
from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from portal import hookspecs
from portal.app.extensions import db
from portal.app.plugin_types import PluginInfo
from portal.models import Region, RegionPlugin

ENTRY_POINT_GROUP = "portal.plugins"
logger = logging.getLogger("portal.plugins")


class PluginHost:
    """Wraps pluggy so the core can ask each plugin in turn, knowing who answered."""

    def __init__(self, load_entry_points: bool = True, extra: Iterable[tuple[str, Any]] = ()):
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        if load_entry_points:
            self.manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        for name, plugin in extra:
            self.manager.register(plugin, name=name)
        self.manager.check_pending()

    @property
    def hook(self):
        return self.manager.hook

    def names(self) -> list[str]:
        return sorted(name for name, _ in self.manager.list_name_plugin())

    def each(self, hook_name: str, only: Iterable[str] | None = None, tolerant: bool = False,
             per_plugin: Mapping[str, Mapping[str, Any]] | None = None, **kwargs) -> list[tuple[str, Any]]:
        """Call a hook plugin by plugin: [(plugin name, answer)], None answers left out.

        ``tolerant``: a plugin that raises is logged with an error id and left out, so one failing
        plugin cannot take the page (the menu, the dashboard) down for everyone. ``per_plugin``:
        arguments whose value is each plugin's own (``{"counts": {plugin name: value}}``, ``{}`` for a
        plugin not named). As with pluggy's own calls, an implementation gets only the arguments it declares.
        """
        allowed = None if only is None else set(only)
        answers = []
        for impl in reversed(getattr(self.manager.hook, hook_name).get_hookimpls()):
            if allowed is not None and impl.plugin_name not in allowed:
                continue
            given = dict(kwargs)
            for argument, values in (per_plugin or {}).items():
                given[argument] = values.get(impl.plugin_name, {})
            given = {name: given[name] for name in impl.argnames if name in given}
            if tolerant:
                try:
                    result = impl.function(**given)
                except Exception as error:
                    if isinstance(error, SQLAlchemyError):
                        db.session.rollback()  # the page goes on with a usable session
                    error_id = uuid.uuid4().hex[:12]
                    logger.exception("plugin %s failed in %s (error %s); left out", impl.plugin_name,
                                     hook_name, error_id)
                    continue
            else:
                result = impl.function(**given)
            if result is not None:
                answers.append((impl.plugin_name, result))
        return answers

    def info(self, name: str) -> PluginInfo:
        for plugin_name, info in self.each("portal_plugin_info"):
            if plugin_name == name:
                return info
        return PluginInfo(title=name, description="")

    def roles_served(self, region: Region | None) -> set[str]:
        """The member roles (``PluginInfo.member_roles``) some plugin on in ``region`` takes people for."""
        names = self.enabled_in(region)
        return {role for name, info in self.each("portal_plugin_info") if name in names for role in info.member_roles}

    def services_of_role(self, role: str) -> list[str]:
        """The titles of the installed plugins that take people for ``role``."""
        return [str(info.title) for _name, info in self.each("portal_plugin_info") if role in info.member_roles]

    def enabled_in(self, region: Region | None) -> set[str]:
        if region is None:
            return set()
        known = _asked_this_request()  # the guard, the navigation and the cards all ask: one query per request
        if region.id not in known:
            rows = db.session.scalars(
                select(RegionPlugin.plugin).where(
                    RegionPlugin.region_id == region.id, RegionPlugin.enabled.is_(True)
                )
            )
            known[region.id] = frozenset(rows)
        return set(known[region.id]) & set(self.names())

    def set_enabled(self, region: Region, name: str, enabled: bool) -> None:
        row = db.session.scalar(
            select(RegionPlugin).where(RegionPlugin.region_id == region.id, RegionPlugin.plugin == name)
        )
        if row is None:
            row = RegionPlugin(region_id=region.id, plugin=name)
            db.session.add(row)
        row.enabled = enabled
        _asked_this_request().pop(region.id, None)


def _asked_this_request() -> dict:
    """The regions' plugins read during this request (kept on the request itself, so never stale across two)."""
    if not has_request_context():
        return {}
    return request.__dict__.setdefault("_portal_enabled_plugins", {})


def remember_enabled(region_id: int, names) -> None:
    """What the region has on, read by the caller in the request's first query (the region's, with its
    switches joined): ``enabled_in`` then asks nothing more this request."""
    _asked_this_request()[region_id] = frozenset(names)


def plugin_host() -> PluginHost:
    """The current app's plugin host: the public way for core code to reach plugins."""
    return current_app.extensions["portal_plugins"]
