from django.db import models


class ProblemCategory(models.TextChoices):
    """治安问题 found in 排查 (not cases: a problem to put right, before or besides any case)."""

    DISORDER_SPOT = "治安乱点", "治安乱点"
    VICE = "黄赌毒", "黄赌毒"
    THEFT = "盗抢骗多发", "盗抢骗多发"
    FRAUD = "电信网络诈骗", "电信网络诈骗"
    PROVOKING = "寻衅滋事", "寻衅滋事"
    RENTAL = "出租房屋", "出租房屋"
    FLOATING = "流动人口", "流动人口"
    KEY_PERSONS = "重点人员管控", "重点人员管控"
    CAMPUS = "校园周边", "校园周边"
    VENUES = "娱乐场所", "娱乐场所"
    TRAFFIC = "交通秩序", "交通秩序"
    ILLEGAL_BUSINESS = "非法经营", "非法经营"
    OTHER = "其他", "其他"


class ProblemSource(models.TextChoices):
    GRID = "网格排查", "网格排查"
    POLICE_VISIT = "民警走访", "民警走访"
    REPORT = "群众举报", "群众举报"
    CAMPAIGN = "专项清查", "专项清查"
    SELF_CHECK = "自查", "自查"
    REFERRAL = "部门移交", "部门移交"


class RiskLevel(models.TextChoices):
    HIGH = "高", "高"
    MEDIUM = "中", "中"
    LOW = "低", "低"


class ProblemStatus(models.TextChoices):
    RECTIFYING = "整治中", "整治中"
    SOLVED = "已解决", "已解决"
    TRANSFERRED = "已移交", "已移交"


#: the status badge's Bootstrap class on lists and pages (ledger.tables.StatusBadgeColumn)
PROBLEM_STATUS_BADGES = {
    ProblemStatus.RECTIFYING: "text-bg-primary",
    ProblemStatus.SOLVED: "text-bg-success",
    ProblemStatus.TRANSFERRED: "text-bg-secondary",
}
RISK_BADGES = {RiskLevel.HIGH: "text-bg-danger", RiskLevel.MEDIUM: "text-bg-warning", RiskLevel.LOW: "text-bg-info"}
#: the default 整治期限 of a new problem by its risk level (days after it was found)
DEFAULT_RECTIFY_DAYS = {RiskLevel.HIGH: 15, RiskLevel.MEDIUM: 30, RiskLevel.LOW: 60}
