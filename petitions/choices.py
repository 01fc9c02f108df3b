"""The petition enumerations (DESIGN §7: the words the web forms and the Excel import accept)."""

from django.db import models


class PetitionChannel(models.TextChoices):
    ONLINE = "网上", "网上"
    LETTER = "来信", "来信"
    CALL = "来电", "来电"
    FAX = "传真", "传真"
    VISIT = "来访", "来访"


class PetitionType(models.TextChoices):
    SUGGESTION = "建议意见", "建议意见"
    ACCUSATION = "检举控告", "检举控告"
    CLAIM = "申诉求决", "申诉求决"


class PetitionLevel(models.TextChoices):
    """到访层级: the highest level the petition reached (乡镇 = handled at home)."""

    TOWNSHIP = "乡镇", "乡镇"
    COUNTY = "县", "县"
    CITY = "市", "市"
    PROVINCE = "省", "省"
    NATION = "国家", "国家"


class PetitionStatus(models.TextChoices):
    HANDLING = "办理中", "办理中"
    REPLIED = "已答复", "已答复"
    CLOSED = "已办结", "已办结"


#: the status badge's Bootstrap class on lists and pages (ledger.tables.StatusBadgeColumn)
PETITION_STATUS_BADGES = {
    PetitionStatus.HANDLING: "text-bg-primary",
    PetitionStatus.REPLIED: "text-bg-info",
    PetitionStatus.CLOSED: "text-bg-secondary",
}


class Satisfaction(models.TextChoices):
    SATISFIED = "满意", "满意"
    FAIRLY = "基本满意", "基本满意"
    DISSATISFIED = "不满意", "不满意"


class PetitionSource(models.TextChoices):
    """信访来源 as 信访信息系统 records it: received here, assigned by a higher level, or forwarded."""

    LOCAL = "本级受理", "本级受理"
    ASSIGNED = "上级交办", "上级交办"
    FORWARDED = "转送", "转送"


class AbnormalVisit(models.TextChoices):
    """异常访: the level an abnormal visit (非正常访) went to, as counties count them (进京非访, 赴省…)."""

    NATION = "进京", "进京"
    PROVINCE = "进省", "进省"
    CITY = "进市", "进市"
    COUNTY = "进县", "进县"


#: the 到访层级 an 异常访 implies at least (进京 → 国家 …)
ABNORMAL_VISIT_LEVEL = {
    AbnormalVisit.NATION: PetitionLevel.NATION,
    AbnormalVisit.PROVINCE: PetitionLevel.PROVINCE,
    AbnormalVisit.CITY: PetitionLevel.CITY,
    AbnormalVisit.COUNTY: PetitionLevel.COUNTY,
}


class RepeatFlag(models.TextChoices):
    """The list's 重复访 filter: flagged, not flagged, or suspected (same ID number earlier in the year)."""

    YES = "yes", "重复访"
    NO = "no", "非重复访"
    SUSPECTED = "suspected", "疑似重复访（未标记）"


class KeyFlag(models.TextChoices):
    """重点信访 filter: the kinds that fail 零上访 by default (DESIGN §5)."""

    SKIP_LEVEL = "skip", "越级访"
    COLLECTIVE = "collective", "集体访"
    ABNORMAL = "abnormal", "非正常访"
    ANY = "any", "任一重点信访"
