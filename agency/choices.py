"""The enumerations of 四级书记代办 (seed 003, 长治): who takes a matter on, from where, and how it ended."""

from django.db import models


class SecretaryLevel(models.TextChoices):
    """The four secretaries, from the village up; a matter the level cannot settle goes one level up."""

    VILLAGE = "村", "村(社区)书记"
    TOWNSHIP = "乡镇", "乡镇(街道)书记"
    COUNTY = "县", "县委书记"
    CITY = "市", "市委书记"


#: the level a matter goes to when this one cannot settle it (逐级向上级反映)
NEXT_LEVEL = {
    SecretaryLevel.VILLAGE: SecretaryLevel.TOWNSHIP,
    SecretaryLevel.TOWNSHIP: SecretaryLevel.COUNTY,
    SecretaryLevel.COUNTY: SecretaryLevel.CITY,
}


class AgencySource(models.TextChoices):
    """上级交办: assigned by a higher level (which the county may or may not take on as 代办);
    本级自查: found by the level's own screening, always taken on."""

    ASSIGNED = "上级交办", "上级交办"
    SELF_CHECK = "本级自查", "本级自查"


class AgencyStatus(models.TextChoices):
    HANDLING = "代办中", "代办中"
    DONE = "已办结", "已办结"
    NOT_TAKEN = "未纳入", "未纳入代办"


AGENCY_STATUS_BADGES = {
    AgencyStatus.HANDLING: "text-bg-primary",
    AgencyStatus.DONE: "text-bg-success",
    AgencyStatus.NOT_TAKEN: "text-bg-secondary",
}


class AgencyOutcome(models.TextChoices):
    RESOLVED = "已解决", "已解决（事要解决）"
    PARTLY = "部分解决", "部分解决"
    UNRESOLVED = "未解决", "未解决（已解释说明）"


class MatterKind(models.TextChoices):
    PETITION = "petition", "信访事项"
    DISPUTE = "dispute", "矛盾纠纷"
