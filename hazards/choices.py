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


class ListingTier(models.TextChoices):
    """Who listed the 重大隐患 for supervision (挂牌督办): the 安全生产委员会 of a county, a city or a province."""

    COUNTY = "县安委会", "县安委会"
    CITY = "市安委会", "市安委会"
    PROVINCE = "省安委会", "省安委会"


#: the published list's URL word of each tier (/listings/published/<slug>/)
TIER_SLUGS = {"county": ListingTier.COUNTY, "city": ListingTier.CITY, "province": ListingTier.PROVINCE}
TIER_SHORT = {ListingTier.COUNTY: "县级", ListingTier.CITY: "市级", ListingTier.PROVINCE: "省级"}


class ListingStatus(models.TextChoices):
    SUPERVISING = "督办中", "督办中"
    REVIEWING = "待初审", "待初审"
    ACCEPTING = "待验收", "待验收"
    DELISTING = "待摘牌", "待摘牌"
    DELISTED = "已摘牌", "已摘牌"


#: a listing in force: every status but 已摘牌 (one at a time per hazard)
LISTING_ACTIVE = (
    ListingStatus.SUPERVISING,
    ListingStatus.REVIEWING,
    ListingStatus.ACCEPTING,
    ListingStatus.DELISTING,
)


class ReviewStage(models.TextChoices):
    REVIEW = "初审", "初审"
    ACCEPTANCE = "验收", "验收"


LISTING_STATUS_BADGES = {
    ListingStatus.SUPERVISING: "text-bg-danger",
    ListingStatus.REVIEWING: "text-bg-info",
    ListingStatus.ACCEPTING: "text-bg-primary",
    ListingStatus.DELISTING: "text-bg-success",
    ListingStatus.DELISTED: "text-bg-secondary",
}
TIER_BADGES = {
    ListingTier.COUNTY: "text-bg-warning",
    ListingTier.CITY: "text-bg-danger",
    ListingTier.PROVINCE: "text-bg-dark",
}
