from django.db import models


class HazardCategory(models.TextChoices):
    FIRE = "消防", "消防"
    POWER = "用电", "用电"
    GAS = "燃气", "燃气"
    ROAD = "道路交通", "道路交通"
    BUILDING = "建筑施工", "建筑施工"
    CHEMICAL = "危险化学品", "危险化学品"
    EQUIPMENT = "特种设备", "特种设备"
    CAMPUS = "校园周边", "校园周边"
    FOOD = "食品药品", "食品药品"
    SELF_BUILT = "自建房", "自建房"
    OTHER = "其他", "其他"


class HazardLevel(models.TextChoices):
    GENERAL = "一般", "一般"
    MAJOR = "重大", "重大"


class HazardStatus(models.TextChoices):
    RECTIFYING = "整改中", "整改中"
    AWAITING = "待验收", "待验收"
    CLOSED = "已销号", "已销号"


class AccidentKind(models.TextChoices):
    """The four of DESIGN §7 and the kinds a 亡人事故 count covers (山西口径: any accident with a death)."""

    PRODUCTION = "生产安全", "生产安全"
    ROAD = "道路交通", "道路交通"
    FIRE = "火灾", "火灾"
    SELF_BUILT = "自建房", "自建房"
    GAS = "燃气", "燃气"
    FOREST_FIRE = "森林火灾", "森林火灾"
    DROWNING = "溺水", "溺水"
    ELECTRIC = "触电", "触电"
    FALL = "坠落", "坠落"
    FIREWORKS = "烟花爆竹", "烟花爆竹"
    OTHER = "其他", "其他"


class AccidentGrade(models.TextChoices):
    ORDINARY = "一般", "一般事故"
    LARGER = "较大", "较大事故"
    MAJOR = "重大", "重大事故"
    EXTRA = "特别重大", "特别重大事故"


class AccidentStatus(models.TextChoices):
    INVESTIGATING = "调查处理中", "调查处理中"
    CLOSED = "已结案", "已结案"


#: the status badges' Bootstrap classes on lists and pages (ledger.tables.StatusBadgeColumn)
HAZARD_STATUS_BADGES = {
    HazardStatus.RECTIFYING: "text-bg-primary",
    HazardStatus.AWAITING: "text-bg-info",
    HazardStatus.CLOSED: "text-bg-secondary",
}
ACCIDENT_STATUS_BADGES = {AccidentStatus.INVESTIGATING: "text-bg-primary", AccidentStatus.CLOSED: "text-bg-secondary"}
