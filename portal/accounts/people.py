"""A person's data export and erasure: the core's part, then every plugin's."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.models import AuditEvent, Notification, PersonalDataConsent, User, UserSession
from portal.services import audit


def export_person(user: User) -> dict[str, Any]:
    notes = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "name": user.name,
            "contact": user.contact,
            "municipality": user.municipality.name if user.municipality else None,
            "language": user.locale,
            "gender": user.gender,
            "birth_date": user.birth_date.isoformat() if user.birth_date else None,
            "email_confirmed_at": user.email_confirmed_at.isoformat() if user.email_confirmed_at else None,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        "memberships": [
            {
                "region": m.region.code,
                "role": m.role.value,
                "status": m.status.value,
                "decided_at": m.decided_at.isoformat() if m.decided_at else None,
                "decision_reason": m.decision_reason,
            }
            for m in user.memberships
        ],
        "consents": [
            {"region": c.region.code, "kind": c.kind.value, "version": c.version, "language": c.locale,
             "given_at": c.given_at.isoformat(), "representative": c.representative}
            for c in db.session.scalars(select(PersonalDataConsent).where(PersonalDataConsent.user_id == user.id)
                                        .order_by(PersonalDataConsent.id))
        ],
        "notifications": [
            {"message": n.message, "link": n.link, "created_at": n.created_at.isoformat()} for n in notes
        ],
        "sessions": [  # where the person signed in: addresses and devices are theirs too
            {"started_at": s.created_at.isoformat(), "last_seen_at": s.last_seen_at.isoformat(),
             "ended_at": s.ended_at.isoformat() if s.ended_at else None, "address": s.address,
             "user_agent": s.user_agent, "remembered": s.remembered}
            for s in db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                        .order_by(UserSession.created_at))
        ],
        "plugins": {},
    }
    for name, answer in plugin_host().each("portal_export_person", user=user):
        data["plugins"][name] = answer
    return data


#: What an audit line about an erased person keeps of its details: the kind of change, never words or addresses.
KEPT_DETAILS = ("from", "role", "status", "to")


def erase_person(user: User) -> None:
    """Plugins first, then the account. The audit log keeps each event about the person (what
    happened, when, where) but loses their e-mail, the e-mails they had before and every free-text
    detail (reasons, notes): an opaque ``erased:<id>`` stands where the address was."""
    plugin_host().hook.portal_erase_person(user=user)
    label = f"erased:{user.id}"
    events = AuditEvent.__table__
    addresses = _addresses_of(user)
    about = or_(AuditEvent.actor_id == user.id, AuditEvent.subject_id == user.id,
                AuditEvent.target.in_(addresses), AuditEvent.actor_label.in_(addresses))
    for event in db.session.scalars(select(AuditEvent).where(about)):
        event.details = {key: value for key, value in (event.details or {}).items()
                         if key in KEPT_DETAILS and value not in addresses}
    db.session.execute(events.update().where(AuditEvent.actor_id == user.id).values(actor_label=label))
    db.session.execute(events.update().where(AuditEvent.actor_label.in_(addresses)).values(actor_label=label))
    db.session.execute(events.update().where(AuditEvent.target.in_(addresses)).values(target=label))
    audit.record("person.erased", target=f"user:{user.id}")
    db.session.delete(user)
    db.session.commit()


def _addresses_of(user: User) -> list[str]:
    """The person's e-mail now and every one they had (the audit log of e-mail changes keeps them)."""
    earlier = db.session.scalars(select(AuditEvent.details).where(
        AuditEvent.action.in_(("email.changed", "email.change_requested")),
        or_(AuditEvent.actor_id == user.id, AuditEvent.target == f"user:{user.id}"))).all()
    found = {user.email} | {d.get(key) for d in earlier if isinstance(d, dict) for key in ("from", "to") if d.get(key)}
    return sorted(found)
