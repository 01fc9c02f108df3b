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
    PRODUCTION = "生产安全", "生产安全"
    ROAD = "道路交通", "道路交通"
    FIRE = "火灾", "火灾"
    OTHER = "其他", "其他"


class AccidentGrade(models.TextChoices):
    ORDINARY = "一般", "一般事故"
    LARGER = "较大", "较大事故"
    MAJOR = "重大", "重大事故"
    EXTRA = "特别重大", "特别重大事故"


class AccidentStatus(models.TextChoices):
    INVESTIGATING = "调查处理中", "调查处理中"
    CLOSED = "已结案", "已结案"
