"""The dashboards' enumerations and rule presets (DESIGN §5): periods, groups, the rules' choices, and
the named 口径 a county applies (现行默认口径, 山西口径)."""

from __future__ import annotations

from django.db import models

from units.models import TargetGroup

PETITION_LEVELS = ["乡镇", "县", "市", "省", "国家"]


class PetitionLevel(models.TextChoices):
    NONE = "", "不限（按默认规则）"
    COUNTY = "县", "县级及以上"
    CITY = "市", "市级及以上"
    PROVINCE = "省", "省级及以上"


class AccidentBasis(models.TextChoices):
    """Which accidents break 零事故."""

    CASUALTY = "casualty", "造成人员伤亡（死亡或受伤）的事故"
    SERIOUS = "serious", "造成人员死亡或重伤的事故"
    DEATH = "death", "造成人员死亡的事故（亡人事故）"
    ANY = "any", "任何事故（含无人员伤亡）"


class RulePreset(models.TextChoices):
    DEFAULT = "default", "现行默认口径"
    SHANXI = "shanxi", "山西口径"
    REPEAT = "repeat", "重复访从严口径"
    CUSTOM = "custom", "自定义"


RULE_FIELDS = (
    "petition_skip_level",
    "petition_collective",
    "petition_abnormal",
    "collective_headcount",
    "petition_level_at_or_above",
    "petition_any",
    "petition_repeat",
    "accident_basis",
    "case_any_security",
)

_DEFAULT_PETITION = {
    "petition_skip_level": True,
    "petition_collective": True,
    "petition_abnormal": True,
    "collective_headcount": 5,
    "petition_level_at_or_above": "",
    "petition_any": False,
    "petition_repeat": False,
}

#: Named 口径 a county applies to a group; applying one makes a new version with these values.
PRESETS: dict[str, dict] = {
    RulePreset.DEFAULT: {**_DEFAULT_PETITION, "accident_basis": AccidentBasis.CASUALTY, "case_any_security": False},
    # The campaign's origin: any 刑事 or 治安 case breaks 零案件; an accident with a death (亡人事故) of any
    # kind (production, road traffic, fire, gas, drowning, self-built houses…) breaks 零事故.
    RulePreset.SHANXI: {**_DEFAULT_PETITION, "accident_basis": AccidentBasis.DEATH, "case_any_security": True},
    # Issue 14: counties that count a petitioner coming back on the same matter (重复访) against 零上访.
    RulePreset.REPEAT: {
        **_DEFAULT_PETITION,
        "petition_repeat": True,
        "accident_basis": AccidentBasis.CASUALTY,
        "case_any_security": False,
    },
}

PRESET_NOTES = {
    RulePreset.DEFAULT: "零上访：无越级访、集体访、非正常访；零事故：无造成人员伤亡（死亡或受伤）的事故；"
    "零案件：无刑事案件和有重大影响的治安案件。",
    RulePreset.SHANXI: "“三零”创建发源地山西的口径。零上访同默认；零事故：无亡人事故（生产安全、道路交通、火灾、燃气、"
    "溺水、自建房等各类事故中有人死亡）；零案件：无任何刑事案件和治安案件。",
    RulePreset.REPEAT: "在现行默认口径基础上从严：零上访另要求期间无重复访（同一信访人就同一事项本年度再次信访）。"
    "零事故、零案件同默认。",
}


def preset_of(values: dict) -> str:
    """The preset these rule values equal, else 自定义."""
    for name, preset in PRESETS.items():
        if all(values.get(f) == v for f, v in preset.items()):
            return name
    return RulePreset.CUSTOM


class Period(models.TextChoices):
    MONTH = "month", "本月"
    YTD = "ytd", "年度累计"


ALL_GROUPS = "all"
GROUP_CHOICES = [(ALL_GROUPS, "全部"), *TargetGroup.choices]
