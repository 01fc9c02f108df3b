"""Our enumerations and the national data standard's codes beside them: one module, one table.

GB/T 31000-2015《社会治安综合治理基础数据规范》 gives code tables for the data a 综治 platform exchanges
(persons, places, events). A county that pushes its ledgers to a provincial platform needs, beside each of
our words (纠纷类别 婚姻家庭, 隐患类别 消防, 重点场所 网吧…), the standard's code for it. This module names
the enumerations that have a counterpart in the standard (``ENUMERATIONS``) and the codes we could source
(``SOURCED_CODES``); the administrator keeps the codes in the table ``standards.StandardCode`` (Django admin:
国家标准代码对照), and the list exports of the ledgers (disputes, hazards, places) carry a 国标代码 column once
a code is set. 主体类别 is in the table for the push too, but the subject list's export stays without the column:
units imports the kernel only (reference/target-layout.md), never this app.

What was searched (issue 14, 2026): the standard's own text is not freely published (a GB/T standard is
sold by the 国家标准化管理委员会); the public pages, documentation and code searched for its code tables —
“GB/T 31000-2015 代码表”, “社会治安综合治理基础数据规范 矛盾纠纷类别代码 / 事件类别 / 实有人口 / 重点场所类别 /
特殊人群”, “codeEventType 婚姻家庭纠纷” — found only references to its clauses, not their codes: an open-source
综治 platform (Vue front end of a “jtzh” system) notes “人员类型，编码见GBT 31000-2015文件之5.41”,
“家庭情况 … 5.42”, “企业类别 … 5.44”, “化解方式 … 5.58”, with the codes themselves kept in its database;
a reading of the standard (http://www.83352.cn/lunwen/qtlw/shzalw/202108/821695.html) describes its scope
without the tables. No code is therefore filled in here: ``SOURCED_CODES`` is empty on purpose, and a code
is entered by the administrator from the standard's text (or the provincial platform's interface document),
never guessed. The clause numbers above are kept as hints in ``Enumeration.clause`` only where a source
names one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

STANDARD = "GB/T 31000-2015"


@dataclass(frozen=True)
class Enumeration:
    key: str  # "<app>.<field>": how StandardCode rows name it
    label: str  # the column's word in our pages and sheets
    values: Callable[[], list[str]]  # our words, in their order
    clause: str = ""  # the standard's clause, where a source names it


def _choices(path: str) -> Callable[[], list[str]]:
    def values() -> list[str]:
        from importlib import import_module

        module, name = path.rsplit(".", 1)
        return list(getattr(import_module(module), name).values)

    return values


def _subject_categories() -> list[str]:
    from units.models import Category

    return list(Category.objects.order_by("sort_order", "id").values_list("name", flat=True))


ENUMERATIONS: tuple[Enumeration, ...] = (
    Enumeration("disputes.category", "纠纷类别", _choices("disputes.choices.DisputeCategory")),
    Enumeration("hazards.category", "隐患类别", _choices("hazards.choices.HazardCategory")),
    Enumeration("places.category", "重点场所类别", _choices("places.choices.PlaceCategory")),
    # 主体类别 of the units that are enterprises: the source above names 5.44 (企业类别) for them
    Enumeration("units.category", "主体类别", _subject_categories, clause="5.44（企业类别，据公开源码注释）"),
)
BY_KEY = {e.key: e for e in ENUMERATIONS}

#: codes with a public source, by enumeration and our word: none was found (see the module docstring)
SOURCED_CODES: dict[str, dict[str, str]] = {}
