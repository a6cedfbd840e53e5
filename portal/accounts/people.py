"""A person's data export and erasure: the core's part, then every plugin's."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.models import AuditEvent, Notification, PersonalDataConsent, User
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
        "plugins": {},
    }
    for name, answer in plugin_host().each("portal_export_person", user=user):
        data["plugins"][name] = answer
    return data


def erase_person(user: User) -> None:
    """Plugins first, then the account; the audit log keeps only an opaque trace."""
    plugin_host().hook.portal_erase_person(user=user)
    label = f"erased:{user.id}"
    db.session.execute(
        AuditEvent.__table__.update().where(AuditEvent.actor_id == user.id).values(actor_label=label)
    )
    db.session.execute(
        AuditEvent.__table__.update().where(AuditEvent.target == user.email).values(target=label)
    )
    audit.record("person.erased", target=f"user:{user.id}")
    db.session.delete(user)
    db.session.commit()
