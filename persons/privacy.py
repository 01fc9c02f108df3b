"""Who sees what of a 重点人员 (DESIGN §8; brief of issue 15).

- 姓名, 身份证号, 联系电话 and 现住址 are personal data: masked on the list, in the export, on the
  record's page, in its printed 登记表 and in its audit trail (张*, 110105********002X, 138****1234,
  青石镇石桥村****). The export stays masked for every role: a list of 社区矫正 or 吸毒 persons with
  full ID numbers is not a file to send around; the full values are read one person at a time.
- The full values are shown after 显示完整个人信息, logged in AccessLog each time, to the roles of
  REVEAL_ROLES (county staff, township clerks, administrators) and to the person's own 包户 grid worker,
  who visits them and must know whom (other grid workers do not see the person at all: persons.models).
"""

from __future__ import annotations

from sanzero.roles import REVEAL_ROLES, Role
from sanzero.scoping import user_scope
from sanzero.validators import mask_id_number, mask_phone

#: characters of an address kept before the mask (the township and village part, roughly)
ADDRESS_KEPT = 6


def mask_name(value: str) -> str:
    """张伟 → 张*, 欧阳娜娜 → 欧***: the first character only."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)


def mask_address(value: str) -> str:
    """青石镇石桥村3组12号 → 青石镇石桥村****: the place, not the door."""
    value = (value or "").strip()
    if not value:
        return ""
    kept = ADDRESS_KEPT if len(value) > ADDRESS_KEPT else max(1, len(value) // 3)
    return value[:kept] + "****"


PERSONAL_MASKS = {"name": mask_name, "id_number": mask_id_number, "phone": mask_phone, "address": mask_address}


def may_reveal(user, person) -> bool:
    """Whether `user` may press 显示完整个人信息 on `person` (scope is checked by the caller's queryset)."""
    role = user_scope(user).role
    if role in REVEAL_ROLES:
        return True
    return role == Role.GRID and person.grid_worker_id is not None and person.grid_worker_id == user.pk
