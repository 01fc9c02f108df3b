"""Roles and what each may do, as data. The scoping queryset and the base views read this table."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    COUNTY = "county", "县平安办"
    CLERK = "clerk", "乡镇(街道)录入员"
    GRID = "grid", "网格员"
    DEPARTMENT = "department", "行业主管部门"


ALL_ROLES = frozenset(Role.values)
READ_ROLES = ALL_ROLES
#: who enters and edits ledger entries (in scope)
EDIT_ROLES = frozenset({Role.ADMIN, Role.CLERK, Role.GRID})
#: who may see full personal data (ID numbers, phones, names) after pressing "显示", logged each time
REVEAL_ROLES = frozenset({Role.ADMIN, Role.COUNTY, Role.CLERK})

# model label → action → roles allowed to do it (always inside the user's scope; admins are unscoped).
# Later apps add their models with `register_permissions`.
PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    "units.region": {
        "view": READ_ROLES,
        "add": frozenset({Role.ADMIN}),
        "change": frozenset({Role.ADMIN}),
    },
    "sanzero.notification": {"view": READ_ROLES},
    # 个人信息访问记录 (/settings/access-log/): county staff read their county's, administrators all
    "sanzero.accesslog": {"view": frozenset({Role.ADMIN, Role.COUNTY})},
    "sanzero.deadlinesettings": {
        "view": READ_ROLES,
        "change": frozenset({Role.ADMIN, Role.COUNTY}),
    },
    # The 节假日安排 the working days follow: edited by whoever edits the deadline rules.
    "sanzero.holiday": {
        "view": READ_ROLES,
        "change": frozenset({Role.ADMIN, Role.COUNTY}),
    },
    "units.subject": {
        "view": READ_ROLES,
        "add": frozenset({Role.ADMIN, Role.CLERK}),
        "change": frozenset({Role.ADMIN, Role.CLERK}),
    },
}


def register_permissions(label: str, table: dict[str, frozenset[str] | set[str]]) -> None:
    PERMISSIONS[label] = {action: frozenset(roles) for action, roles in table.items()}


def role_may(role: str | None, label: str, action: str) -> bool:
    if role is None:
        return False
    if role == Role.ADMIN:
        return True
    return role in PERMISSIONS.get(label, {}).get(action, frozenset())
