"""What the kernel's tests share: workbooks to import, the engine's example sheet, the exports'
ledgers and readers, the holiday calendar's helpers. Fixtures are in conftest.py beside this file.

Other apps' tests import from here too (ledger, dashboards: `xlsx`, `DISPUTE_HEADERS`).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cases.models import PoliceCase
from cases.services import police_case_create
from dashboards.models import Target
from disputes import services as dispute_services
from disputes.models import Dispute
from disputes.services import dispute_create
from hazards.models import Accident, Hazard
from hazards.services import accident_create, hazard_create
from petitions.models import Petition
from petitions.services import petition_create
from sanzero.holidays import services as holiday_services
from sanzero.models import HolidayKind
from sanzero.xlsx import Column, SheetSpec
from sanzero.xlsx.download import XLSX_CONTENT_TYPE
from units.models import Category, Region, Subject

# -- workbooks to import ------------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_number(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def credit_code(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def xlsx(rows, *, path=None) -> bytes:
    """A plain workbook with ``rows`` on its first sheet, exactly as given (first row = headers)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    """`data` as the browser uploads a file named `name`."""
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


SUBJECT_HEADERS = [
    "主体名称",
    "主体类别",
    "所属区划代码",
    "统一社会信用代码",
    "主管部门",
    "负责人",
    "联系电话",
    "地址",
    "纳入日期",
    "退出日期",
]
DISPUTE_HEADERS = [
    "所属区划代码",
    "主体名称",
    "登记日期",
    "纠纷类别",
    "简要情况",
    "来源",
    "当事人",
    "涉及人数",
    "风险等级",
    "状态",
    "化解日期",
    "备注",
]

# The optional columns a ledger's workflow steps read (issue 12: the import runs the same steps as the web).
STEP_COLUMNS = {
    # and the 排查情况表's optional columns (issue 14): 是否重大, 调处层级, 调处日期
    "disputes": ("协议形式", "协议内容", "调解不成原因", "移交去向", "移交说明", "是否重大", "调处层级", "调处日期"),
    "hazards": ("责任落实", "措施落实", "资金落实", "时限落实", "预案落实"),
    # the 一张图's optional coordinates, after DESIGN §7's columns (issue 15)
    "subjects": ("经度", "纬度"),
    # petitions as real systems record them (issue 14): optional, after DESIGN §7's columns
    "petitions": ("信访件编号", "信访来源", "是否重复访", "异常访", "责任单位", "包案领导"),
}
HANDBOOK_HEADERS = {
    "disputes": DISPUTE_HEADERS,
    "hazards": [
        "所属区划代码",
        "主体名称",
        "发现日期",
        "隐患类别",
        "隐患等级",
        "隐患描述",
        "整改期限",
        "整改责任人",
        "状态",
        "整改完成日期",
        "验收人",
        "验收日期",
    ],
}

# One valid file per kind: (actor, rows, model, how many rows it creates).
VALID = {
    "regions": (
        "admin",
        [
            ["区划代码", "名称", "层级", "上级区划代码"],
            ["990121102200", "丙一村", "村", "990121102000"],  # its parent is the next row: order does not matter
            ["990121102000", "丙镇", "乡镇", "990121000000"],
            ["990121102001", "丙城社区", "社区", "990121102000"],
        ],
        Region,
        3,
    ),
    "subjects": (
        "clerk_a",
        [
            SUBJECT_HEADERS,
            [
                "甲镇卫生院",
                "医院",
                "990121100000",
                credit_code("12990121MB0000001"),
                "卫生健康委员会",
                "王医生",
                "13812345678",
                "甲镇大街1号",
                date(2025, 1, 1),
                None,
            ],
            ["甲一村幼儿园", "幼儿园", "990121100200", None, None, "李园长", "0351-1234567", None, "2025-02-01", None],
            ["甲城社区便民店", "企业", "990121100001", None, None, None, None, None, None, None],
        ],
        Subject,
        3,
    ),
    "disputes": (
        "clerk_a",
        [
            [*DISPUTE_HEADERS, "协议内容"],
            [
                "990121100200",
                "甲一村",
                "2025-03-05",
                "邻里纠纷",
                "宅基地边界争执",
                "自查",
                "张三、李四",
                2,
                "黄",
                "已化解",
                "2025-03-08",
                None,
                "双方确认以院墙为界",
            ],
            [
                "990121100200",
                "甲一村超市",
                date(2025, 3, 6),
                "劳资纠纷",
                "拖欠两名店员工资",
                None,
                None,
                None,
                None,
                None,
                None,
                "待核实",
                None,
            ],
        ],
        Dispute,
        2,
    ),
    "hazards": (
        "clerk_a",
        [
            [
                "所属区划代码",
                "主体名称",
                "发现日期",
                "隐患类别",
                "隐患等级",
                "隐患描述",
                "整改期限",
                "整改责任人",
                "状态",
                "整改完成日期",
                "验收人",
                "验收日期",
            ],
            [
                "990121100000",
                "甲镇中心学校",
                "2025-04-01",
                "消防",
                "一般",
                "灭火器过期",
                None,
                "王五",
                "已销号",
                "2025-04-03",
                "county",
                "2025-04-05",
            ],
            [
                "990121100200",
                "甲一村超市",
                "2025-04-02",
                "用电",
                "重大",
                "私拉电线",
                "2025-05-01",
                None,
                None,
                None,
                None,
                None,
            ],
        ],
        Hazard,
        2,
    ),
    "accidents": (
        "clerk_a",
        [
            [
                "所属区划代码",
                "主体名称",
                "发生日期",
                "事故类型",
                "死亡人数",
                "受伤人数",
                "重伤人数",
                "直接经济损失(万元)",
                "简要经过",
            ],
            ["990121100200", "甲一村超市", "2025-05-01", "火灾", 0, 1, 1, 1.5, "仓库起火"],
            ["990121100000", "甲镇中心学校", "2025-05-02", "溺水", None, None, None, None, None],
        ],
        Accident,
        2,
    ),
    "petitions": (
        "clerk_a",
        [
            [
                "所属区划代码",
                "主体名称",
                "登记日期",
                "信访形式",
                "信访类型",
                "信访人",
                "身份证号",
                "联系电话",
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
            [
                "990121100200",
                "甲一村",
                "2025-06-01",
                "来访",
                "申诉求决",
                "张三",
                id_number("11010519491231002"),
                "13812345678",
                1,
                "县",
                "是",
                "否",
                "要求解决宅基地纠纷" * 10,
                "已办结",
                "2025-06-10",
                "2025-06-20",
                "满意",
            ],
            [
                "990121100200",
                "甲一村",
                "2025-06-02",
                "来信",
                None,
                None,
                None,
                None,
                6,
                None,
                None,
                None,
                "反映道路积水",
                None,
                None,
                None,
                None,
            ],
        ],
        Petition,
        2,
    ),
    "cases": (
        "clerk_a",
        [
            ["所属区划代码", "主体名称", "发案日期", "案件类别", "是否有重大影响", "案由", "简要案情", "办案单位"],
            ["990121100200", "甲一村超市", "2025-07-01", "治安", "是", "聚众斗殴", "夜间斗殴", "甲镇派出所"],
            ["990121100000", "甲镇中心学校", "2025-07-02", "刑事", None, "盗窃", None, None],
        ],
        PoliceCase,
        2,
    ),
    "targets": (
        "county",
        [
            ["年度", "区划代码", "主体分组", "目标达标率"],
            [2026, "990121000000", "村(社区)", "95%"],
            [2026, "990121000000", "单位(企业)", 0.9],
            [2026, "990121100000", "单位(企业)", 85],
        ],
        Target,
        3,
    ),
}


# -- the Excel engine's example sheet (sanzero.xlsx) ----------------------------------------------------

CATEGORIES = [
    "婚姻家庭",
    "邻里纠纷",
    "土地山林",
    "宅基地",
    "劳资纠纷",
    "民间借贷",
    "合同债务",
    "征地拆迁",
    "交通事故",
    "医疗纠纷",
    "物业纠纷",
    "环境污染",
    "其他",
]


SPEC = SheetSpec(
    "矛盾纠纷",
    [
        Column("所属区划代码", "region_code", required=True, max_length=12),
        Column("主体名称", "subject_name", required=True, max_length=50),
        Column("登记日期", "found_on", required=True, kind="date"),
        Column("纠纷类别", "category", required=True, kind="choice", choices=CATEGORIES),
        Column("简要情况", "summary", required=True, max_length=200, help="一两句话说清楚纠纷经过"),
        Column("涉及人数", "people", kind="int"),
        Column("风险等级", "risk", kind="choice", choices=["红", "黄", "蓝"]),
        Column("是否越级", "skip_level", kind="bool"),
        Column("目标达标率", "target", kind="rate"),
        Column("直接经济损失(万元)", "loss", kind="decimal"),
        Column("化解日期", "resolved_on", kind="date"),
    ],
)

GOOD = ["330102001001", "东风村", date(2026, 3, 5), "邻里纠纷", "宅基地边界争执", 2, "黄", "否", "80%", "1.5", None]


def make_xlsx(path, rows, *, title="Sheet"):
    """A plain openpyxl workbook with ``rows`` on the first sheet, exactly as given."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def messages(result):
    return [str(e) for e in result.errors]


# -- exports: ledgers to export and reading what came out ---------------------------------------------------

ID = "11010519491231002X"
PHONE = "13812341234"
MASKED_ID = "110105********002X"
MASKED_PHONE = "138****1234"


def _actor(world, subject):
    return world.users["clerk_a" if subject.region.code.startswith("990121100") else "clerk_b"]


def add_entry(world, kind: str, subject, n: int, **extra):
    """One entry of a ledger whose key text (exported in full) is unique: f"{kind}记录{n}"."""
    actor = _actor(world, subject)
    day = datetime.date(2026, 3, 1) + datetime.timedelta(days=n % 10)
    if kind == "disputes":
        return dispute_create(
            actor=actor,
            data={
                "subject": subject,
                "found_on": day,
                "category": "邻里纠纷",
                "summary": f"disputes记录{n}",
                "source": "网格排查",
                "parties": "张三、李小四",
                "people_count": 2,
                "risk_colour": "红" if n % 2 else "黄",
                **extra,
            },
        )
    if kind == "hazards":
        return hazard_create(
            actor=actor,
            data={
                "subject": subject,
                "found_on": day,
                "category": "消防",
                "level": "重大" if n % 2 else "一般",
                "description": f"hazards记录{n}",
                **extra,
            },
        )
    if kind == "accidents":
        return accident_create(
            actor=actor,
            data={
                "subject": subject,
                "occurred_on": day,
                "kind": "火灾",
                "injuries": n % 2,
                "summary": f"accidents记录{n}",
                **extra,
            },
        )
    if kind == "petitions":
        return petition_create(
            actor=actor,
            data={
                "subject": subject,
                "received_on": day,
                "channel": "来访",
                "type": "检举控告" if n % 2 else "申诉求决",
                "petitioner_name": "张伟",
                "id_number": ID,
                "phone": PHONE,
                "headcount": 1,
                "level_reached": "乡镇",
                "content": f"petitions记录{n}",
                **extra,
            },
        )
    if kind == "cases":
        return police_case_create(
            actor=actor,
            data={
                "subject": subject,
                "occurred_on": day,
                "kind": "刑事" if n % 2 else "治安",
                "cause": "盗窃",
                "summary": f"cases记录{n}",
                "unit": "测试县公安局",
                **extra,
            },
        )
    raise AssertionError(kind)


def add_subject(world, n: int, region=None, **extra):
    return Subject.objects.create(
        name=f"subjects记录{n}", category=Category.objects.get(name="企业"), region=region or world.village_a, **extra
    )


LEDGERS = ["disputes", "hazards", "accidents", "petitions", "cases"]


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_xlsx(response) -> tuple[list[str], list[list]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(content_of(response)), read_only=True)
    rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    headers = [str(h) for h in rows[0]]
    return headers, [row + [None] * (len(headers) - len(row)) for row in rows[1:]]


def column(headers, rows, header) -> list:
    index = headers.index(header)
    return [row[index] for row in rows]


@dataclass(frozen=True)
class ListCase:
    url: str
    key_header: str  # an exported column whose value is unique per row
    key_field: str  # the model field behind it
    filter: str  # a filter of the list that keeps some rows and drops others


LISTS = {
    "subjects": ListCase("/subjects/", "主体名称", "name", "category={enterprise}"),
    "disputes": ListCase("/disputes/", "简要情况", "summary", "risk_colour=红"),
    "hazards": ListCase("/hazards/", "隐患描述", "description", "level=重大"),
    "accidents": ListCase("/accidents/", "简要经过", "summary", "casualties=true"),
    "petitions": ListCase("/petitions/", "诉求内容", "content", "type=检举控告"),
    "cases": ListCase("/cases/", "简要案情", "summary", "kind=刑事"),
}


def list_url(name: str, query: str = "") -> str:
    query = query.format(enterprise=Category.objects.get(name="企业").pk)
    return f"{LISTS[name].url}?{query}" if query else LISTS[name].url


def page_rows(client, url: str):
    """The list page's own answer: (paginator count, the key values of its rows). Fits one page."""
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}per_page=100")
    assert response.status_code == 200
    table = response.context["table"]
    keys = [getattr(row.record, LISTS[_name_of(url)].key_field) for row in table.page.object_list]
    return table.paginator.count, keys, table


def _name_of(url: str) -> str:
    return url.strip("/").split("/")[0].split("?")[0]


def export(client, url: str):
    sep = "&" if "?" in url else "?"
    return client.get(f"{url}{sep}export=xlsx")


# -- the holiday calendar ---------------------------------------------------------------------------------

HOLIDAYS_URL = "/settings/holidays/"
HOLIDAY_HEADERS = ["日期", "类型", "名称"]
WARNING_2027 = "2027年节假日安排尚未录入，期限按周一至周五计算"
REST, WORK = HolidayKind.REST, HolidayKind.WORK


def enter_holidays(world, start, end=None, kind=REST, name="元旦", user="county"):
    return holiday_services.holiday_range_add(actor=world.users[user], start=start, end=end, kind=kind, name=name)


def dispute_found_on(world, found_on, subject=None):
    return dispute_services.dispute_create(
        actor=world.users["clerk_a"],
        data={
            "subject": subject or world.shop_a,
            "found_on": found_on,
            "category": "邻里纠纷",
            "summary": "排水沟堵塞引发争执",
            "source": "网格排查",
            "people_count": 2,
            "risk_colour": "黄",
        },
    )
