"""The small records plugins hand to the core through hooks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PluginInfo:
    title: Any  # a lazy_gettext string
    description: Any
    demo_regions: tuple[str, ...] = ()
    # The roles people register for to take part in this service ("mentor"): offered at registration
    # only where a plugin naming them is on. Graduates and staff are every region's.
    member_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavItem:
    label: Any
    endpoint: str  # e.g. "social_hotel.index"; region_code is filled in by the core
    roles: tuple[str, ...] = ()  # empty: every active member of the region
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DashboardCard:
    title: Any
    body: Any
    url: str | None = None
    link_label: Any = None
    count: int | None = None  # what waits for the reader: shown beside the title, the card marked while above 0


@dataclass(frozen=True)
class HelpOffer:
    """Help one plugin offers for a need another plugin knows of: what it is, and where to take it up."""

    label: Any  # a lazy_gettext string, e.g. "A stay at the social hotel"
    url: str  # a page of the offering plugin, prefilled for the graduate (e.g. a stay request)


@dataclass(frozen=True)
class DemoCrowd:
    """A region's people of the demo at scale (``portal demo --scale``), made by the core in bulk: ids only.

    A plugin's ``portal_demo_crowd`` gives them its rows in proportion (a country's 100,000 graduates
    have 212,000 hotel stays, so one region's ``len(graduates)`` have 2.12 each), in bulk.
    """

    region_id: int
    municipality_ids: list[int]
    graduates: list[int]
    mentors: list[int]
    volunteers: list[int]
    specialists: list[int]
    coordinators: list[int]
    seed: int = 0
