"""Enumerations of the dispute ledger (DESIGN §7): the words are a contract with the Excel import.

The first thirteen 纠纷类别 are DESIGN §7's and are never renamed. The seven after them were added (issue 14)
so that every row of the monthly 矛盾纠纷排查情况表 (reports/paicha.py, which cites the form's sources)
can be filled from the ledger: 生产经营, 损害赔偿, 消费纠纷, 旅游纠纷, 知识产权, 互联网纠纷, and 拖欠农民工工资
(the form's 其中 row under 劳动争议纠纷).
"""

from django.db import models


class DisputeCategory(models.TextChoices):
    MARRIAGE = "婚姻家庭", "婚姻家庭"
    NEIGHBOURS = "邻里纠纷", "邻里纠纷"
    LAND = "土地山林", "土地山林"
    HOMESTEAD = "宅基地", "宅基地"
    LABOUR = "劳资纠纷", "劳资纠纷"
    LOAN = "民间借贷", "民间借贷"
    CONTRACT = "合同债务", "合同债务"
    EXPROPRIATION = "征地拆迁", "征地拆迁"
    TRAFFIC = "交通事故", "交通事故"
    MEDICAL = "医疗纠纷", "医疗纠纷"
    PROPERTY = "物业纠纷", "物业纠纷"
    POLLUTION = "环境污染", "环境污染"
    OTHER = "其他", "其他"
    # added for the 矛盾纠纷排查情况表 (issue 14): new words, the thirteen above unchanged
    BUSINESS = "生产经营", "生产经营"
    DAMAGES = "损害赔偿", "损害赔偿"
    CONSUMER = "消费纠纷", "消费纠纷"
    TOURISM = "旅游纠纷", "旅游纠纷"
    IP = "知识产权", "知识产权"
    INTERNET = "互联网纠纷", "互联网纠纷"
    UNPAID_WAGES = "拖欠农民工工资", "拖欠农民工工资"


class HandlingTier(models.TextChoices):
    """The level that handled a dispute, as the 排查情况表 counts it (its columns 县 / 乡镇 / 村居).

    A rung of the mediation ladder says which of the three it belongs to (MediationLevel.tier: 网格员 and
    村(社区)调委会 村居, 乡镇综治中心 and 乡镇党委政府 乡镇, a 县矛调中心 县)."""

    COUNTY = "县", "县"
    TOWNSHIP = "乡镇", "乡镇"
    VILLAGE = "村居", "村居"


class DisputeSource(models.TextChoices):
    GRID = "网格排查", "网格排查"
    SELF_CHECK = "自查", "自查"
    VISIT = "群众来访", "群众来访"
    COURT = "诉讼推送", "诉讼推送"
    POLICE = "警情推送", "警情推送"
    PETITION = "信访推送", "信访推送"
    DEPARTMENT = "部门移交", "部门移交"


class RiskColour(models.TextChoices):
    RED = "红", "红"
    YELLOW = "黄", "黄"
    BLUE = "蓝", "蓝"


class DisputeStatus(models.TextChoices):
    MEDIATING = "调解中", "调解中"
    RESOLVED = "已化解", "已化解"
    FAILED = "调解不成", "调解不成"
    TRANSFERRED = "已移交", "已移交"


#: the status badge's Bootstrap class on lists and pages (ledger.tables.StatusBadgeColumn)
DISPUTE_STATUS_BADGES = {
    DisputeStatus.MEDIATING: "text-bg-primary",
    DisputeStatus.RESOLVED: "text-bg-success",
    DisputeStatus.FAILED: "text-bg-danger",
    DisputeStatus.TRANSFERRED: "text-bg-secondary",
}


class AgreementType(models.TextChoices):
    WRITTEN = "书面", "书面协议"
    ORAL = "口头", "口头协议"


class TransferTarget(models.TextChoices):
    LITIGATION = "诉讼", "引导诉讼"
    ARBITRATION = "仲裁", "引导仲裁"
    PETITION = "信访", "转信访渠道"
    DEPARTMENT = "部门", "移交职能部门"
