"""Site settings (cài đặt hệ thống): named switches an administrator sets from the web, each
change audited. A setting never saved has its default: a new installation needs no row."""
from __future__ import annotations

from sqlalchemy import JSON, String, select
from sqlalchemy.orm import Mapped, mapped_column

from emulation.core import audit
from emulation.core.models import Base, TimestampMixin, VersionedMixin
from emulation.extensions import db


class SiteSetting(TimestampMixin, VersionedMixin, Base):
    """One setting: its key and its value (JSON: a switch is true or false)."""

    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


def get(key: str, default=None):
    """The setting's value, or `default` when it was never saved."""
    row = db.session.scalar(select(SiteSetting).where(SiteSetting.key == key))
    return default if row is None else row.value


def get_many(defaults: dict) -> dict:
    """{key: value} of these settings, each defaulting to `defaults[key]`: one query."""
    saved = dict(db.session.execute(select(SiteSetting.key, SiteSetting.value)
                                    .where(SiteSetting.key.in_(list(defaults)))).all())
    return {key: saved.get(key, default) for key, default in defaults.items()}


def put(actor, values: dict, defaults: dict) -> dict:
    """Save the settings that changed (`values`: {key: value}, keys among `defaults`), with
    one audit event `settings.change` holding the before and after of each; commits. Returns
    the changed keys' {key: (before, after)}."""
    current = get_many(defaults)
    changed = {k: (current[k], v) for k, v in values.items() if k in defaults and current[k] != v}
    if not changed:
        return {}
    rows = {row.key: row for row in db.session.scalars(
        select(SiteSetting).where(SiteSetting.key.in_(list(changed))))}
    for key, (_before, after) in changed.items():
        if key in rows:
            rows[key].value = after
        else:
            db.session.add(SiteSetting(key=key, value=after))
    audit.record(db.session, actor=actor, action="settings.change", object_type="site_setting",
                 summary=", ".join(f"{k}: {b} → {a}" for k, (b, a) in changed.items()),
                 before={k: b for k, (b, _a) in changed.items()},
                 after={k: a for k, (_b, a) in changed.items()},
                 params={"count": len(changed)})
    db.session.commit()
    return changed
