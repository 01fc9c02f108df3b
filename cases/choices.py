from django.db import models


class CaseKind(models.TextChoices):
    CRIMINAL = "刑事", "刑事"
    PUBLIC_SECURITY = "治安", "治安"


class CaseStatus(models.TextChoices):
    INVESTIGATING = "侦办中", "侦办中"
    SOLVED = "已破案", "已破案"
    CLOSED = "已结案", "已结案"


#: the status badge's Bootstrap class on lists and pages (ledger.tables.StatusBadgeColumn)
CASE_STATUS_BADGES = {
    CaseStatus.INVESTIGATING: "text-bg-primary",
    CaseStatus.SOLVED: "text-bg-info",
    CaseStatus.CLOSED: "text-bg-secondary",
}
