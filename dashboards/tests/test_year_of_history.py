"""Acceptance (issue 9): a county going live loads a year of history with import_xlsx — regions, subjects
(some joined or left during the year, one closed and replaced by a same-named successor), targets and
thousands of ledger entries, many back-entered for subjects that have since left — computes its months
and exports the committee report; every figure of 达标数据, 月度数据 and 台账数据 equals an independent
recomputation made here in plain Python from the generated rows (DESIGN §5), not from the database.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import chinese_calendar
import openpyxl
import pytest
import time_machine
from django.core.management import call_command

from cases.models import PoliceCase
from disputes.models import Dispute
from hazards.models import Accident, Hazard
from petitions.models import Petition
from sanzero.roles import Role
from units.models import Subject
from units.services import user_create

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = 2026
REPORT_MONTH = D(YEAR, 11, 1)
TODAY = D(YEAR, 12, 2)
COUNTY = "990123000000"


def month_end(month: D) -> D:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def add_workdays(start: D, n: int) -> D:
    day = start
    while n:
        day += datetime.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


@dataclass
class Subj:
    name: str
    category: str
    region: str  # its region code
    group: str  # village / unit
    joined: D | None = None
    left: D | None = None
    entries: list = field(default_factory=list)  # (ledger, date, fails)

    def member(self, end: D) -> bool:
        return (self.joined is None or self.joined <= end) and (self.left is None or self.left > end)

    def period(self) -> tuple[D, D]:
        start = max(self.joined or D(YEAR, 1, 1), D(YEAR, 1, 1))
        stop = min(self.left - datetime.timedelta(days=1) if self.left else D(YEAR, 11, 30), D(YEAR, 11, 30))
        return start, stop


@dataclass
class Stat:
    found: D
    done_on: D | None  # 化解/整改/办结 date when done
    due: D | None  # the deadline an open entry is overdue after


class County:
    """The generated county: its sheets, and what the report must say, computed independently."""

    def __init__(self, seed: int = 2026):
        rng = random.Random(seed)
        self.rng = rng
        self.regions = [["区划代码", "名称", "层级", "上级区划代码"], [COUNTY, "历史县", "县", None]]
        self.townships: dict[str, str] = {}
        self.subjects: list[Subj] = []
        units = ["企业", "学校", "商场市场", "厂矿", "宗教场所", "医院"]
        for t in range(3):
            town = f"990123{100 + t:03d}000"
            self.townships[town] = f"历史{t + 1}镇"
            self.regions.append([town, f"历史{t + 1}镇", "乡镇", COUNTY])
            for v in range(4):
                code, level = (
                    (f"990123{100 + t:03d}{200 + v:03d}", "村")
                    if v < 3
                    else (f"990123{100 + t:03d}{1 + v:03d}", "社区")
                )
                name = f"历史{t + 1}镇{v + 1}{level}"
                self.regions.append([code, name, level, town])
                self.subjects.append(Subj(name, level, code, "village"))  # registered with its region
                for u in range(24):
                    self.subjects.append(
                        Subj(f"{name}{units[u % len(units)]}{u + 1}", units[u % len(units)], code, "unit")
                    )
            for u in range(12):  # township-level units: no village
                self.subjects.append(Subj(f"历史{t + 1}镇直属企业{u + 1}", "企业", town, "unit"))
        units_only = [s for s in self.subjects if s.group == "unit"]
        for s in rng.sample(units_only, 30):  # joined during the year
            s.joined = D(YEAR, rng.randint(2, 10), 1)
        for s in rng.sample([s for s in units_only if s.joined is None], 30):  # left during the year
            s.left = D(YEAR, rng.randint(2, 11), rng.randint(1, 28))
        # a closed enterprise and its successor of the same name, in the same village
        closed = next(s for s in units_only if s.joined is None and s.left is None and s.category == "企业")
        closed.left = D(YEAR, 6, 15)
        self.successor = Subj(closed.name, "企业", closed.region, "unit", joined=D(YEAR, 6, 15))
        self.subjects.append(self.successor)
        self.closed = closed

        self.sheets: dict[str, list[list]] = {k: [] for k in ("disputes", "hazards", "accidents", "petitions", "cases")}
        self.stats: dict[str, list[tuple[Subj, Stat]]] = {"disputes": [], "hazards": [], "petitions": []}
        self._ledgers()

    # --- the ledgers, each entry inside its subject's active period --------------------------------
    def _day(self, s: Subj) -> D:
        start, stop = s.period()
        return start + datetime.timedelta(days=self.rng.randint(0, (stop - start).days))

    def _ledgers(self):
        rng = self.rng
        n = 0
        for s in self.subjects:
            start, stop = s.period()
            if stop < start:
                continue
            weight = 3 if s.group == "village" else 1
            for _ in range(rng.choice([0, 1, 2, 3, 4, 5, 6]) * weight):  # disputes
                n += 1
                day = self._day(s)
                if day <= D(YEAR, 11, 18) and rng.random() < 0.6:  # resolved within days, by the end of November
                    done = day + datetime.timedelta(days=rng.randint(0, 6))
                    self.sheets["disputes"].append(
                        [s.region, s.name, day, "邻里纠纷", f"纠纷{n}", "已化解", done, "双方达成和解"]
                    )
                    self.stats["disputes"].append((s, Stat(day, done, None)))
                else:  # still mediating: overdue once the ladder's 7 working days have passed (四级七天)
                    self.sheets["disputes"].append([s.region, s.name, day, "合同债务", f"纠纷{n}", None, None, None])
                    self.stats["disputes"].append((s, Stat(day, None, add_workdays(day, 7))))
            for _ in range(rng.choice([0, 1, 2, 3, 4, 5])):  # hazards
                n += 1
                day = self._day(s)
                due = day + datetime.timedelta(days=rng.randint(5, 40))
                r = rng.random()
                if r < 0.4 and day <= D(YEAR, 11, 20):
                    fixed = min(day + datetime.timedelta(days=rng.randint(1, 8)), D(YEAR, 11, 30))
                    accepted = min(fixed + datetime.timedelta(days=rng.randint(0, 3)), D(YEAR, 11, 30))
                    self.sheets["hazards"].append(
                        [s.region, s.name, day, "消防", "一般", f"隐患{n}", due, "已销号", fixed, "county", accepted]
                    )
                    self.stats["hazards"].append((s, Stat(day, fixed, due)))
                elif r < 0.6 and day <= D(YEAR, 11, 20):
                    fixed = min(day + datetime.timedelta(days=rng.randint(1, 8)), D(YEAR, 11, 30))
                    self.sheets["hazards"].append(
                        [s.region, s.name, day, "用电", "一般", f"隐患{n}", due, "待验收", fixed, None, None]
                    )
                    self.stats["hazards"].append((s, Stat(day, fixed, due)))
                else:
                    self.sheets["hazards"].append(
                        [s.region, s.name, day, "燃气", "一般", f"隐患{n}", due, None, None, None, None]
                    )
                    self.stats["hazards"].append((s, Stat(day, None, due)))
            if rng.random() < 0.4:  # petitions
                n += 1
                day = self._day(s)
                skip, abnormal, heads = rng.random() < 0.15, rng.random() < 0.05, rng.choice([1, 1, 2, 3, 5, 8])
                fails = skip or abnormal or heads >= 5
                row = [
                    s.region,
                    s.name,
                    day,
                    "来访",
                    "申诉求决",
                    heads,
                    "县" if skip else "乡镇",
                    "是" if skip else "否",
                    "是" if abnormal else "否",
                    f"诉求{n}",
                ]
                if day <= D(YEAR, 10, 31) and rng.random() < 0.8:  # closed by the end of November
                    replied = day + datetime.timedelta(days=rng.randint(3, 10))
                    closed = replied + datetime.timedelta(days=rng.randint(1, 20))
                    self.sheets["petitions"].append([*row, "已办结", replied, closed, "满意"])
                    self.stats["petitions"].append((s, Stat(day, closed, None)))
                else:  # still being handled: due 60 days after it was received (DESIGN §5)
                    self.sheets["petitions"].append([*row, None, None, None, None])
                    self.stats["petitions"].append((s, Stat(day, None, day + datetime.timedelta(days=60))))
                s.entries.append(("petitions", day, fails))
            if rng.random() < 0.15:  # accidents
                n += 1
                day = self._day(s)
                deaths = 1 if rng.random() < 0.1 else 0
                injuries = rng.choice([0, 0, 1, 2])
                serious = min(injuries, rng.choice([0, 0, 1]))
                self.sheets["accidents"].append(
                    [
                        s.region,
                        s.name,
                        day,
                        rng.choice(["生产安全", "道路交通", "火灾", "溺水"]),
                        deaths,
                        injuries,
                        serious,
                    ]
                )
                s.entries.append(("accidents", day, deaths > 0 or injuries > 0))
            if rng.random() < 0.2:  # cases
                n += 1
                day = self._day(s)
                kind = rng.choice(["刑事", "治安", "治安", "治安"])
                major = kind == "治安" and rng.random() < 0.3
                self.sheets["cases"].append([s.region, s.name, day, kind, "是" if major else "否", f"案由{n}"])
                s.entries.append(("cases", day, kind == "刑事" or major))

    # --- the sheets ---------------------------------------------------------------------------------
    def subject_rows(self, successors: bool = False):
        """The registry; the successor of the closed enterprise comes in a second file (a name is
        unique within one file), as a county registers it after the first one left."""
        rows = [["主体名称", "主体类别", "所属区划代码", "纳入日期", "退出日期"]]
        for s in sorted(self.subjects, key=lambda s: (s.region, s.name)):
            if s.group == "village" or (s is self.successor) != successors:
                continue  # a 村/社区 region registers its own subject
            rows.append([s.name, s.category, s.region, s.joined, s.left])
        return rows

    HEADERS = {
        "disputes": ["所属区划代码", "主体名称", "登记日期", "纠纷类别", "简要情况", "状态", "化解日期", "协议内容"],
        "hazards": [
            "所属区划代码",
            "主体名称",
            "发现日期",
            "隐患类别",
            "隐患等级",
            "隐患描述",
            "整改期限",
            "状态",
            "整改完成日期",
            "验收人",
            "验收日期",
        ],
        "accidents": ["所属区划代码", "主体名称", "发生日期", "事故类型", "死亡人数", "受伤人数", "重伤人数"],
        "petitions": [
            "所属区划代码",
            "主体名称",
            "登记日期",
            "信访形式",
            "信访类型",
            "人数",
            "到访层级",
            "是否越级",
            "是否非正常访",
            "诉求内容",
            "状态",
            "答复日期",
            "办结日期",
            "满意度",
        ],
        "cases": ["所属区划代码", "主体名称", "发案日期", "案件类别", "是否有重大影响", "案由"],
    }

    # --- the independent recomputation ---------------------------------------------------------------
    def figures(self, prefix: str, group: str, month: D, period: str) -> list:
        end = month_end(month)
        start = month if period == "month" else D(YEAR, 1, 1)
        counts = [0, 0, 0, 0, 0]  # total, passed, petition_ok, accident_ok, case_ok
        for s in self.subjects:
            if not s.region.startswith(prefix) or (group != "all" and s.group != group) or not s.member(end):
                continue
            failing = {k for k, day, fails in s.entries if fails and start <= day <= end}
            ok = [k not in failing for k in ("petitions", "accidents", "cases")]
            counts[0] += 1
            counts[1] += all(ok)
            for i, good in enumerate(ok):
                counts[2 + i] += good
        return counts

    def ledger_figures(self, prefix: str, month: D) -> list:
        end = month_end(month)
        out = []
        for ledger in ("disputes", "hazards", "petitions"):
            found = done = 0
            for s, stat in self.stats[ledger]:
                if s.region.startswith(prefix) and stat.found <= end:
                    found += 1
                    done += stat.done_on is not None and stat.done_on <= end
            out += [found, done]
        overdue = sum(
            1
            for ledger in ("disputes", "hazards", "petitions")
            for s, stat in self.stats[ledger]
            if s.region.startswith(prefix)
            and stat.found <= end
            and not (stat.done_on and stat.done_on <= end)
            and stat.due
            and stat.due < end
        )
        return [*out, overdue]


TARGETS = {
    ("990123000000", "village"): Decimal("0.6"),
    ("990123000000", "unit"): Decimal("0.8"),
    ("990123101000", "unit"): Decimal("0.85"),
}


def rate(n: int, d: int):
    return None if not d else float((Decimal(n) / Decimal(d)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def target_of(code: str, group: str):
    value = TARGETS.get((code, group)) or TARGETS.get((COUNTY, group))
    return None if group == "all" else float(value)


def write(path: Path, rows):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for r in rows:
        ws.append(r)
    wb.save(path)
    return str(path)


@pytest.fixture
def county():
    return County()


@time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0), tick=False)
def test_a_year_of_history_imports_and_reproduces_its_report(county, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    user_create(
        actor=None,
        username="admin",
        role=Role.ADMIN,
        region_codes=[],
        password="Test-pass-2026",
        check_password_strength=False,
    )
    out = io.StringIO()
    call_command("import_xlsx", "regions", write(tmp_path / "regions.xlsx", county.regions), stdout=out)
    subjects = write(tmp_path / "subjects.xlsx", county.subject_rows())
    successor = write(tmp_path / "successor.xlsx", county.subject_rows(successors=True))
    for path in (subjects, successor, subjects, successor):  # the second round changes nothing
        call_command("import_xlsx", "subjects", path, stdout=out)
    user_create(
        actor=None,
        username="county",
        role=Role.COUNTY,
        region_codes=[COUNTY],
        password="Test-pass-2026",
        check_password_strength=False,
    )
    targets = [["年度", "区划代码", "主体分组", "目标达标率"]] + [
        [YEAR, code, "村(社区)" if group == "village" else "单位(企业)", float(rate_)]
        for (code, group), rate_ in TARGETS.items()
    ]
    call_command("import_xlsx", "targets", write(tmp_path / "targets.xlsx", targets), stdout=out)
    entries = 0
    for kind, rows in county.sheets.items():
        path = write(tmp_path / f"{kind}.xlsx", [County.HEADERS[kind], *rows])
        call_command("import_xlsx", kind, path, stdout=out)
        entries += len(rows)
        # importing the same file again changes nothing
        again = io.StringIO()
        call_command("import_xlsx", kind, path, stdout=again)
        assert f"新增0行，修改0行，未变化{len(rows)}行" in again.getvalue(), again.getvalue()
    assert entries >= 2000, entries
    assert (
        Dispute.objects.count(),
        Hazard.objects.count(),
        Accident.objects.count(),
        Petition.objects.count(),
        PoliceCase.objects.count(),
    ) == tuple(len(county.sheets[k]) for k in county.sheets)
    # back-entered history of subjects that have left since is in
    left = [s for s in county.subjects if s.left]
    assert sum(1 for r in county.sheets["disputes"] if (r[0], r[1]) in {(s.region, s.name) for s in left}) > 20
    old, new = Subject.objects.filter(name=county.closed.name, region__code=county.closed.region).order_by("pk")
    assert (old.left_on, new.joined_on) == (D(YEAR, 6, 15), D(YEAR, 6, 15))

    for m in range(1, 12):
        call_command("compute_snapshots", "--month", f"{YEAR}-{m:02d}", stdout=out)
    report = tmp_path / "report.xlsx"
    call_command("export_report", "--month", "2026-11", "--output", str(report), stdout=out)
    wb = openpyxl.load_workbook(report)

    regions = [(COUNTY, "历史县", "县"), *((c, n, "乡镇(街道)") for c, n in county.townships.items())]
    prefixes = {COUNTY: "990123", **{c: c[:9] for c in county.townships}}
    for sheet, period in (("达标数据", "ytd"), ("月度数据", "month")):
        expected = []
        for code, name, level in regions:
            for group, label in (("all", "全部"), ("village", "村(社区)"), ("unit", "单位(企业)")):
                total, passed, p_ok, a_ok, c_ok = county.figures(prefixes[code], group, REPORT_MONTH, period)
                target = target_of(code, group)
                gap = None if target is None or not total else passed / total - target
                expected.append(
                    [
                        code,
                        name,
                        level,
                        label,
                        total,
                        passed,
                        rate(passed, total),
                        p_ok,
                        rate(p_ok, total),
                        a_ok,
                        rate(a_ok, total),
                        c_ok,
                        rate(c_ok, total),
                        target,
                        gap,
                    ]
                )
        got = [list(r) for r in wb[sheet].iter_rows(min_row=2, values_only=True)]
        assert got == [[pytest.approx(v, abs=1e-9) if isinstance(v, float) else v for v in r] for r in expected], sheet
    expected = []
    for code, name, _ in regions:
        d_found, d_done, h_found, h_done, p_found, p_done, overdue = county.ledger_figures(prefixes[code], REPORT_MONTH)
        expected.append(
            [
                code,
                name,
                d_found,
                d_done,
                rate(d_done, d_found),
                h_found,
                h_done,
                rate(h_done, h_found),
                p_found,
                p_done,
                rate(p_done, p_found),
                overdue,
                0,  # 治安问题排查数, 解决数, 解决率: this county's sheets have no 治安问题 (an empty rate)
                0,
                None,
            ]
        )
    got = [list(r) for r in wb["台账数据"].iter_rows(min_row=2, values_only=True)]
    assert got == [[pytest.approx(v, abs=1e-9) if isinstance(v, float) else v for v in r] for r in expected]
    # the numbers mean something: failures, leavers and joiners are all there
    ytd = county.figures("990123", "all", REPORT_MONTH, "ytd")
    assert 0 < ytd[1] < ytd[0] and ytd[0] < len(county.subjects)
