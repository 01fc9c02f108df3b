"""The one scoping mechanism: every queryset a user can reach goes through `for_user`.

A model opts in by using `ScopedQuerySet` (or `ScopedManager`) and declaring where its region is:
`scope_region_path` is the lookup path to a `units.Region` ("" for Region itself, "region" for a
subject, "subject__region" for a ledger entry) and `scope_department_path` the path to the supervising
department (None when the model has none). Region codes nest by prefix, so a user's scope is a short
list of code prefixes; `for_user` turns it into one WHERE clause with no extra joins per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .roles import Role, role_may


@dataclass(frozen=True)
class Scope:
    unrestricted: bool
    prefixes: tuple[str, ...]
    department_id: int | None
    role: str | None

    @property
    def empty(self) -> bool:
        return not self.unrestricted and not self.prefixes


def user_scope(user) -> Scope:
    """The user's scope, computed once per user object (one query) and cached on it."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(False, (), None, None)
    cached = getattr(user, "_sanzero_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser or user.role == Role.ADMIN:
        scope = Scope(True, (), None, Role.ADMIN)
    else:
        prefixes = sorted({r.prefix for r in user.scope_regions.all()})
        # Drop prefixes already covered by a shorter one, so the WHERE clause stays minimal.
        minimal: list[str] = []
        for prefix in sorted(prefixes, key=len):
            if not any(prefix.startswith(p) for p in minimal):
                minimal.append(prefix)
        department_id = user.department_id if user.role == Role.DEPARTMENT else None
        scope = Scope(False, tuple(sorted(minimal)), department_id, user.role)
    user._sanzero_scope = scope
    return scope


#: the length of a township's code prefix (units.models.LEVEL_PREFIX_LENGTH)
TOWNSHIP_PREFIX_LENGTH = 9


def spans_townships(user) -> bool:
    """Whether the user's scope holds more than one township (a county user, a clerk of two): then a
    list names each entry's township beside its village."""
    scope = user_scope(user)
    if scope.unrestricted:
        return True
    return len(scope.prefixes) > 1 or any(len(p) < TOWNSHIP_PREFIX_LENGTH for p in scope.prefixes)


def forget_scope(user) -> None:
    if hasattr(user, "_sanzero_scope"):
        del user._sanzero_scope


def scope_q(scope: Scope, region_path: str, department_path: str | None) -> Q | None:
    """The WHERE clause for a scope; None means no restriction."""
    if scope.unrestricted:
        return None
    code_lookup = f"{region_path}__code__startswith" if region_path else "code__startswith"
    q = Q()
    for prefix in scope.prefixes:
        q |= Q(**{code_lookup: prefix})
    if scope.department_id is not None and department_path:
        q &= Q(**{f"{department_path}_id": scope.department_id})
    return q


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """Rows the user may see (action "view") or act on ("add", "change", ...)."""
        model = self.model
        scope = user_scope(user)
        if scope.role is None or scope.empty:
            return self.none()
        if not role_may(scope.role, model._meta.label_lower, action):
            return self.none()
        q = scope_q(
            scope,
            getattr(model, "scope_region_path", "region"),
            getattr(model, "scope_department_path", None),
        )
        return self if q is None else self.filter(q)


def user_may(user, model, action: str) -> bool:
    """Whether the user's role allows the action on the model at all (scope aside)."""
    scope = user_scope(user)
    return role_may(scope.role, model._meta.label_lower, action)
