"""Who may do what: small named predicates over role grants (DESIGN.md §3).

A grant (user, role, unit) covers the unit's whole subtree; `admin` covers everything.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import false, or_, select, true

# Capabilities → the roles that carry them (admin always does).
VIEW_UNITS = ("organiser", "unit_officer", "scorer", "council_member", "council_secretary",
              "viewer")
MANAGE_UNITS = ("organiser",)
VIEW_PEOPLE = ("organiser", "unit_officer")
MANAGE_PEOPLE = ("organiser", "unit_officer")


class _UnitTree:
    """The model grants are placed on. The org area registers its `Unit` when its models load
    (`use_unit_model`), so core names no area; every condition below is built on it."""

    model = None


def use_unit_model(model) -> None:
    """Called once by `emulation.org.models`: the unit model has a `path` and `parent_id`."""
    _UnitTree.model = model


def _unit():
    if _UnitTree.model is None:
        raise RuntimeError("the unit model is not registered: import emulation.org.models")
    return _UnitTree.model


def grant_paths(user, roles) -> list[str]:
    """Paths of the units on which the user holds any of `roles`."""
    return sorted({g.unit.path for g in user.grants if g.role in roles and g.unit is not None
                   and g.unit.active})


def unit_condition(user, roles):
    """SQL condition on `Unit` for the units the user covers with `roles`."""
    Unit = _unit()
    if user.is_admin:
        return true()
    paths = grant_paths(user, roles)
    if not paths:
        return false()
    return or_(*[Unit.path.startswith(p, autoescape=True) for p in _outermost(paths)])


def covers_every_unit(user, roles) -> bool:
    """Does the user cover the whole tree (admin, or `roles` on every root unit)? Then lists
    need no unit filter, which lets the database read them in index order."""
    from emulation.extensions import db

    Unit = _unit()
    if user.is_admin:
        return True
    paths = set(grant_paths(user, roles))
    if not paths:
        return False
    roots = set(db.session.scalars(select(Unit.path).where(Unit.parent_id.is_(None))))
    return roots <= paths


def covered_unit_ids(user, roles):
    """A subquery of the unit ids the user covers with `roles`."""
    return select(_unit().id).where(unit_condition(user, roles))


def covers(user, unit, roles) -> bool:
    """Does the user hold one of `roles` on `unit` or one of its ancestors?"""
    if user is None or not user.is_authenticated or unit is None:
        return False
    if user.is_admin:
        return True
    return any(unit.path.startswith(p) for p in grant_paths(user, roles))


def paths_below(user, roles, within: str) -> list[str]:
    """The outermost paths of the units strictly below the path `within` on which the user
    holds one of `roles`: the branches of that unit the user answers for (empty for an
    admin, who covers the unit itself)."""
    if user is None or not user.is_authenticated or user.is_admin:
        return []
    return _outermost([p for p in grant_paths(user, roles)
                       if p.startswith(within) and p != within])


def path_condition(paths):
    """SQL condition on `Unit`: the unit lies in one of the subtrees `paths`."""
    Unit = _unit()
    if not paths:
        return false()
    return or_(*[Unit.path.startswith(p, autoescape=True) for p in paths])


def can_any(user, roles) -> bool:
    """Does the user hold one of `roles` anywhere (used for navigation and page access)?"""
    if not user.is_authenticated:
        return False
    return user.is_admin or user.has_role(*roles)


def roles_required(*roles):
    """View decorator: login required, then one of `roles` (or admin) else 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from emulation.extensions import login_manager
                return login_manager.unauthorized()
            if not can_any(current_user, roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def admin_required(view):
    return roles_required()(view)


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths inside another path of the list: fewer OR branches, same rows."""
    kept: list[str] = []
    for p in sorted(paths, key=len):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


class SystemActor:
    """The command line acting with full rights; audit events name it `system`."""

    id = None
    username = "system"
    is_admin = True
    is_authenticated = True
    grants: list = []
    roles = {"admin"}

    def has_role(self, *roles) -> bool:
        return "admin" in roles


SYSTEM = SystemActor()
