"""Translated labels of every plugin's states, in one registry: pages, the audit log and exports agree."""
from __future__ import annotations

import enum
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l

from portal.models import Role
from portal.services.words import gendered

_BY_TYPE: dict[type, "StatusLabels"] = {}


class StatusLabels(Mapping):
    """The labels of one enum's members, registered under the enum class."""

    def __init__(self, kind: type[enum.Enum], labels: Mapping[Any, Any],
                 gendered: Mapping[Any, tuple[Any, Any]] | None = None):
        missing = [member.name for member in kind if member not in labels]
        if missing:
            raise ValueError(f"{kind.__name__}: no label for {missing}")
        self.kind = kind
        self._labels = dict(labels)
        self._gendered = {kind(member): forms for member, forms in (gendered or {}).items()}
        _BY_TYPE[kind] = self

    def __getitem__(self, member) -> Any:
        return self._labels[self.kind(member)]

    def __iter__(self):
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def __call__(self, member) -> str:
        """The label of a member or of its stored value; other values as they are."""
        try:
            return str(self[member])
        except ValueError:
            return label_of(member)

    def of(self, member, person) -> str:
        """The label as it speaks of ``person`` (their gender from the profile), neutral when unknown."""
        forms = self._gendered.get(self.kind(member))
        if forms is None:
            return str(self[member])
        return gendered(person, self[member], *forms)

    def choices(self) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field or a filter."""
        return [(member.value, str(label)) for member, label in self._labels.items()]


def status_labels(kind: type[enum.Enum], labels: Mapping[Any, Any],
                  gendered: Mapping[Any, tuple[Any, Any]] | None = None) -> StatusLabels:
    """Register the translated labels of ``kind``'s members; every member needs one. ``gendered`` gives a
    member that speaks of a person its (female, male) forms; its label in ``labels`` is then the neutral one."""
    return StatusLabels(kind, labels, gendered)


def label_of(value, person=None) -> str:
    """The label of a registered enum member (or its plain value when none is registered); with ``person``,
    the form that speaks of them (see ``StatusLabels.of``)."""
    labels = _BY_TYPE.get(type(value))
    if labels is not None:
        return labels.of(value, person) if person is not None else str(labels[value])
    return "" if value is None else str(getattr(value, "value", value))


def label_of_value(value: str) -> str | None:
    """The label of a stored status value (as in an audit line), whichever registered enum has it."""
    for kind, labels in _BY_TYPE.items():
        if value in kind._value2member_map_:
            return str(labels[value])
    return None


ROLE_LABELS = {
    Role.graduate.value: _l("Graduate"),
    Role.mentor.value: _l("Mentor"),
    Role.volunteer.value: _l("Volunteer"),
    Role.specialist.value: _l("Support specialist"),
    Role.coordinator.value: _l("Coordinator"),
    Role.region_admin.value: _l("Region admin"),
    Role.pupil.value: _l("Pupil"),
}


def role_label(role) -> str:
    """The translated name of a role (a Role or its value)."""
    return str(ROLE_LABELS.get(getattr(role, "value", role), role))
