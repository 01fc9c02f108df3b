"""Who sees what of a petition (DESIGN §8, domain notes §7; 信访工作条例 第30条).

- Personal data (信访人, 身份证号, 联系电话) is masked on lists and on the default detail view; the full
  value needs the reveal (REVEAL_ROLES), which the kernel logs in AccessLog.
- A 检举控告 petition's content and petitioner are never shown to staff of the accused subject's
  supervising department (the department role whose department is the subject's department).
"""

from __future__ import annotations

from sanzero.privacy import HIDDEN_TEXT  # noqa: F401 - the petition pages import it from here
from sanzero.roles import Role
from sanzero.scoping import user_scope
from sanzero.validators import mask_id_number, mask_phone

from .choices import PetitionType

#: the petitioner's identity and what the petition says: hidden together from the accused department
ACCUSED_HIDDEN_FIELDS = frozenset({"content", "petitioner_name", "id_number", "phone"})


def mask_name(value: str) -> str:
    """张伟 → 张*, 欧阳娜娜 → 欧***: the surname's first character only."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)


PERSONAL_MASKS = {"petitioner_name": mask_name, "id_number": mask_id_number, "phone": mask_phone}


def hidden_from_accused(user, petition) -> bool:
    """True when `user` works for the department that supervises the subject a 检举控告 accuses."""
    if petition.type != PetitionType.ACCUSATION:
        return False
    scope = user_scope(user)
    return (
        scope.role == Role.DEPARTMENT
        and scope.department_id is not None
        and scope.department_id == petition.subject.department_id
    )


def hidden_fields(user, petition) -> set[str]:
    return set(ACCUSED_HIDDEN_FIELDS) if hidden_from_accused(user, petition) else set()
