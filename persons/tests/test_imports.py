"""The 重点人员 import sheet (DESIGN §7's engine): all rows or none, each bad row named as
``第N行 列名: 原因`` with the web form's words; the ID number is the natural key, so re-importing a file
changes nothing and a changed row updates its person; the template has the headers, a 说明 sheet and
the enumerated lists; the import_xlsx command takes the kind."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.core.management import CommandError, call_command

from ledger.testing import xlsx_of
from persons.models import KeyPerson
from sanzero.importing.engine import import_file

from .helpers import ID_A, ID_B, ID_C, make_person, nth_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
HEADERS = [
    "所属区划代码",
    "列管日期",
    "姓名",
    "身份证号",
    "人员类别",
    "风险等级",
    "联系电话",
    "现住址",
    "包户网格员",
    "走访周期(天)",
    "基本情况",
]


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def rows(*body):
    return xlsx_of([HEADERS, *body])


GOOD = [
    [
        "990121100200",
        "2026-02-01",
        "张建国",
        ID_A,
        "社区矫正",
        "高",
        "13912345678",
        "甲一村3组12号",
        "grid_a",
        None,
        "缓刑二年",
    ],
    ["990121100001", "2026-02-03", "李明", ID_B, "严重精神障碍", None, None, None, None, 20, None],
]


def test_a_good_file_imports_and_importing_it_again_changes_nothing(world):
    data = rows(*GOOD)
    first = import_file(actor=world.users["clerk_a"], kind="persons", file=data, dry_run=False)
    assert first.ok and (first.new, first.changed, first.unchanged) == (2, 0, 0), first.errors
    zhang = KeyPerson.objects.get(name="张建国")
    li = KeyPerson.objects.get(name="李明")
    assert (zhang.subject, zhang.grid_worker, zhang.visit_every_days, zhang.due_on) == (
        world.village_a.village_subject,
        world.users["grid_a"],
        7,  # 高, left blank
        datetime.date(2026, 2, 8),
    )
    assert (li.subject.region, li.grid_worker, li.risk_level, li.visit_every_days) == (world.village_a2, None, "中", 20)
    assert zhang.history.get().history_user == world.users["clerk_a"]
    again = import_file(actor=world.users["clerk_a"], kind="persons", file=data, dry_run=False)
    assert again.ok and (again.new, again.changed, again.unchanged) == (0, 0, 2), again.errors
    assert KeyPerson.objects.count() == 2 and zhang.history.count() == 1


def test_a_row_with_a_known_id_number_updates_that_person(world):
    person = make_person(world, keeper=None)
    changed = [
        "990121100200", "2026-01-10", "张建国", ID_A.lower(), "社区矫正", "低", None, None, "grid_a", None, None
    ]  # fmt: skip
    result = import_file(actor=world.users["clerk_a"], kind="persons", file=rows(changed), dry_run=False)
    assert result.ok and (result.new, result.changed) == (0, 1), result.errors
    person.refresh_from_db()
    assert (person.risk_level, person.grid_worker, person.phone, person.address) == (
        "低",
        world.users["grid_a"],
        "13912345678",  # blank personal cells keep what is stored
        "甲镇甲一村3组12号",
    )


def test_bad_rows_are_named_and_nothing_is_written(world):
    bad = [
        ["990121100200", "2026-02-01", "张三", "990121198003151230", "社区矫正", None, None, None, None, None, None],
        ["990121100200", "2026-02-01", "李四", ID_B, "盗窃", None, None, None, None, None, None],
        ["990121100000", "2026-02-01", "王五", ID_C, "吸毒", None, None, None, None, None, None],
        ["990121101200", "2026-02-01", "赵六", nth_id(1), "吸毒", None, None, None, None, None, None],
        ["990121100200", "2026-02-01", "钱七", nth_id(2), "吸毒", None, "12345", None, "grid_x", 400, None],
        ["990121100200", "2026-04-01", "孙八", nth_id(4), "吸毒", None, None, None, None, None, None],
        ["990121100200", "2026-02-01", "周九", nth_id(3), "吸毒", None, None, None, None, None, None],
        ["990121100200", "2026-02-02", "周九", nth_id(3), "吸毒", None, None, None, None, None, None],
    ]
    result = import_file(actor=world.users["clerk_a"], kind="persons", file=rows(*bad), dry_run=False)
    assert not result.ok and not KeyPerson.objects.exists()
    errors = result.errors
    expected = [
        "第2行 身份证号: 身份证号码无效（应为18位，校验位须正确）。",
        "第3行 人员类别: ",
        "第4行 所属区划代码: “甲镇”不是村或社区：重点人员应登记在其所在村(社区)",
        "第5行 所属区划代码: “乙一村”（990121101200）不在您的管辖范围内",
        "第6行 联系电话: 联系电话格式不正确",
        "第6行 包户网格员: ",
        "第6行 走访周期(天): 走访周期应在1到365天之间。",
        "第7行 列管日期: 列管日期不能晚于今天。",
        "第9行 身份证号: 与第8行重复（身份证号相同），同一记录只能出现一次",
    ]
    for line in expected:
        assert any(e.startswith(line) for e in errors), (line, errors)


def test_a_person_kept_by_another_township_is_refused(world):
    make_person(world)  # 甲镇's
    row = ["990121101200", "2026-02-01", "张建国", ID_A, "社区矫正", None, None, None, None, None, None]
    result = import_file(actor=world.users["clerk_b"], kind="persons", file=rows(row), dry_run=False)
    assert result.errors == ["第2行 身份证号: 该身份证号的重点人员已由其他乡镇(街道)或网格员列管，不在您可修改的范围内"]


def test_a_grid_worker_imports_its_own_persons(world):
    row = ["990121100200", "2026-02-01", "张建国", ID_A, "社区矫正", None, None, None, None, None, None]
    result = import_file(actor=world.users["grid_a"], kind="persons", file=rows(row), dry_run=False)
    assert result.ok, result.errors
    assert KeyPerson.objects.get().grid_worker == world.users["grid_a"]
    dept = import_file(actor=world.users["dept_edu"], kind="persons", file=rows(row), dry_run=True)
    assert dept.errors == ["您的角色或管辖范围不能导入“重点人员”。"]


def test_the_template_has_the_headers_notes_and_lists(world, client_as):
    response = client_as("clerk_a").get("/imports/template/persons.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    required = [c.value for c in sheet[1] if c.comment is not None and c.comment.text.startswith("必填")]
    assert required == ["所属区划代码", "列管日期", "姓名", "身份证号", "人员类别"]
    notes = "\n".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert "身份证号" in notes and "脱敏" in notes and "高7天、中15天、低30天" in notes
    assert "社区矫正、刑满释放、严重精神障碍、重点信访人、吸毒、其他" in notes.replace("，", "、").replace(", ", "、")
    assert len(sheet.data_validations.dataValidation) >= 2  # 人员类别 and 风险等级 drop-downs
    assert client_as("dept_edu").get("/imports/template/persons.xlsx").status_code == 403


def test_the_import_command_takes_the_kind(world, tmp_path):
    path = tmp_path / "persons.xlsx"
    path.write_bytes(rows(*GOOD))
    call_command("import_xlsx", "persons", str(path), "--user", "clerk_a")
    assert KeyPerson.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(rows(["990121100200", "2026-02-01", "王五", "123", "吸毒", None, None, None, None, None, None]))
    with pytest.raises(CommandError):
        call_command("import_xlsx", "persons", str(bad), "--user", "clerk_a")
    assert KeyPerson.objects.count() == 2
