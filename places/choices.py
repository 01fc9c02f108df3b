from django.db import models


class PlaceCategory(models.TextChoices):
    ENTERTAINMENT = "娱乐场所", "娱乐场所"
    HOTEL = "旅馆宾馆", "旅馆宾馆"
    INTERNET_CAFE = "网吧", "网吧"
    FUEL = "加油加气站", "加油加气站"
    CHEMICALS = "危化品存储", "危化品存储"
    LOGISTICS = "寄递物流", "寄递物流"
    RENTAL = "出租房屋", "出租房屋"
    CROWDED = "人员密集场所", "人员密集场所"
    OTHER = "其他", "其他"


class RiskLevel(models.TextChoices):
    HIGH = "高", "高"
    MEDIUM = "中", "中"
    LOW = "低", "低"


class PlaceStatus(models.TextChoices):
    MANAGED = "在管", "在管"
    RETIRED = "已撤管", "已撤管"


#: the status badge's Bootstrap class on lists and pages (ledger.tables.StatusBadgeColumn)
PLACE_STATUS_BADGES = {PlaceStatus.MANAGED: "text-bg-primary", PlaceStatus.RETIRED: "text-bg-secondary"}
RISK_BADGES = {RiskLevel.HIGH: "text-bg-danger", RiskLevel.MEDIUM: "text-bg-warning", RiskLevel.LOW: "text-bg-info"}
#: the default 检查周期 of a new place by its risk level (days)
DEFAULT_INSPECT_DAYS = {RiskLevel.HIGH: 7, RiskLevel.MEDIUM: 30, RiskLevel.LOW: 90}
