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


class AgentLevel(models.TextChoices):
    """代办层级 (四级书记代办): the party secretary who took the petition on for the petitioner."""

    VILLAGE = "村", "村(社区)书记"
    TOWNSHIP = "乡镇", "乡镇(街道)书记"
    COUNTY = "县", "县级书记"


class KeyFlag(models.TextChoices):
    """重点信访 filter: the kinds that fail 零上访 by default (DESIGN §5)."""

    SKIP_LEVEL = "skip", "越级访"
    COLLECTIVE = "collective", "集体访"
    ABNORMAL = "abnormal", "非正常访"
    ANY = "any", "任一重点信访"
