from django.db import models


class PersonCategory(models.TextChoices):
    """人员类别: the groups a county's 重点人群服务管理 follows (seed 000, seed 004)."""

    CORRECTION = "社区矫正", "社区矫正"
    RELEASED = "刑满释放", "刑满释放"
    MENTAL = "严重精神障碍", "严重精神障碍"
    PETITIONER = "重点信访人", "重点信访人"
    DRUGS = "吸毒", "吸毒"
    OTHER = "其他", "其他"


class RiskLevel(models.TextChoices):
    HIGH = "高", "高"
    MEDIUM = "中", "中"
    LOW = "低", "低"


class PersonStatus(models.TextChoices):
    MANAGED = "在管", "在管"
    RELEASED = "已解除", "已解除列管"


class VisitWay(models.TextChoices):
    HOME = "入户走访", "入户走访"
    PHONE = "电话联系", "电话联系"
    TALK = "当面约谈", "当面约谈"
    OTHER = "其他", "其他"


#: the status badge's Bootstrap class on lists and pages (ledger.tables.StatusBadgeColumn)
PERSON_STATUS_BADGES = {PersonStatus.MANAGED: "text-bg-primary", PersonStatus.RELEASED: "text-bg-secondary"}
RISK_BADGES = {RiskLevel.HIGH: "text-bg-danger", RiskLevel.MEDIUM: "text-bg-warning", RiskLevel.LOW: "text-bg-info"}
#: the 走访周期 of a person whose form or sheet leaves it blank, by risk level (days): 高 weekly,
#: 中 every half month, 低 monthly
DEFAULT_VISIT_DAYS = {RiskLevel.HIGH: 7, RiskLevel.MEDIUM: 15, RiskLevel.LOW: 30}
