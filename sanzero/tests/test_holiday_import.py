"""Holidays through Excel (import_xlsx holidays) and the holidays command.

No 2027 notice exists yet. 1 January is 元旦 by law (全国年节及纪念日放假办法), so 2027-01-01 放假 is
entered as such; every other 2027 day below is test data named 测试…, not a guess at the notice."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from sanzero import workdays
from sanzero.importing.base import KINDS, kinds_for
from sanzero.importing.engine import import_file
from sanzero.models import Holiday, HolidayStamp
from sanzero.tests.helpers import HOLIDAY_HEADERS, WORK, dispute_found_on, enter_holidays, xlsx
from sanzero.workdays import is_workday, year_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("holiday_clock", "media")]

D = datetime.date


def test_a_year_entered_through_import_xlsx(world, tmp_path):
    rows = [
        HOLIDAY_HEADERS,
        ["2027-01-01", "放假", "元旦"],
        [D(2027, 1, 2), "放假", "元旦"],
        ["2027-01-03", "放假", "元旦"],
        ["2027-02-06", "调休上班", "测试调休"],
    ]
    path = tmp_path / "holidays.xlsx"
    path.write_bytes(xlsx(rows))
    out = io.StringIO()
    call_command("import_xlsx", "holidays", str(path), "--dry-run", stdout=out)
    assert "试导入通过" in out.getvalue() and not Holiday.objects.exists()
    call_command("import_xlsx", "holidays", str(path), stdout=out)
    assert "导入完成：节假日安排，共4行，新增4行" in out.getvalue()
    assert year_source(2027) == workdays.ENTERED and not is_workday(D(2027, 1, 1)) and is_workday(D(2027, 2, 6))
    admin = world.users["admin"]
    assert set(Holiday.history.values_list("history_user", "history_change_reason")) == {(admin.pk, "Excel导入")}
    version = HolidayStamp.objects.get().version
    again = io.StringIO()
    call_command("import_xlsx", "holidays", str(path), stdout=again)
    assert "新增0行，修改0行，未变化4行" in again.getvalue()
    assert Holiday.history.count() == 4 and HolidayStamp.objects.get().version == version
    # A corrected file updates the day it changes (the date is the key).
    result = import_file(
        actor=world.users["county"],
        kind="holidays",
        dry_run=False,
        file=xlsx([HOLIDAY_HEADERS, ["2027-02-06", "调休上班", "测试更正"]]),
    )
    assert result.ok and (result.new, result.changed) == (0, 1)
    assert Holiday.objects.get(date=D(2027, 2, 6)).name == "测试更正"


def test_a_bad_holiday_file_is_refused_whole_with_row_errors(world, tmp_path):
    rows = [
        HOLIDAY_HEADERS,
        ["2027-01-01", "放假", "元旦"],
        ["2027-13-01", "放假", "元旦"],
        ["2027-01-05", "休息", "元旦"],
        ["2027-01-06", "放假", None],
        ["2027-01-01", "调休上班", "元旦"],
        ["1999-01-01", "放假", "元旦"],
    ]
    result = import_file(actor=world.users["county"], kind="holidays", file=xlsx(rows), dry_run=False)
    assert not result.ok and not Holiday.objects.exists()
    text = "\n".join(result.errors)
    assert "第3行 日期: 日期无效：2027-13-01（日期格式应为YYYY-MM-DD）" in text
    assert "第4行 类型:" in text and "第5行 名称: 必填" in text
    assert "第6行 日期: 与第2行重复（日期相同）" in text
    assert "第7行 日期: 日期应在2000年至2100年之间" in text
    target = tmp_path / "bad.xlsx"
    target.write_bytes(xlsx(rows))
    with pytest.raises(CommandError, match="第3行 日期"):
        call_command("import_xlsx", "holidays", str(target), stdout=io.StringIO())
    assert not Holiday.objects.exists()


def test_holiday_import_warnings_and_who_may_import(world):
    rows = [
        HOLIDAY_HEADERS,
        ["2027-01-04", "调休上班", "元旦"],
        ["2027-01-09", "放假", "测试"],
        ["2026-05-06", "放假", "测试"],
    ]
    result = import_file(actor=world.users["county"], kind="holidays", file=xlsx(rows), dry_run=True)
    warnings = "\n".join(str(w) for w in result.warnings)
    assert "第2行 日期: 2027-01-04（周一）本来就是工作日" in warnings
    assert "“测试”的放假日期均为周六、周日" in warnings
    assert "第4行: 2026年原由chinesecalendar提供节假日安排" in warnings
    assert "holidays" in {k.name for k in kinds_for(world.users["county"])}
    assert "holidays" not in {k.name for k in kinds_for(world.users["clerk_a"])}
    refused = import_file(actor=world.users["clerk_a"], kind="holidays", file=xlsx(rows), dry_run=False)
    assert not refused.ok and "不能导入“节假日安排”" in refused.errors[0]
    assert KINDS["holidays"].spec().headers == HOLIDAY_HEADERS


def test_the_holidays_command_says_what_covers_a_year(world):
    out = io.StringIO()
    call_command("holidays", "--year", "2026", stdout=out)
    assert out.getvalue().strip() == "2026年：chinesecalendar 1.11.0（未录入）"
    with pytest.raises(CommandError, match="以下年份的节假日安排尚未录入：2027"):
        call_command("holidays", "--year", "2027", "--check", stdout=io.StringIO())
    default = io.StringIO()
    call_command("holidays", stdout=default)  # this year and next
    assert "2026年：chinesecalendar" in default.getvalue() and "2027年：未录入" in default.getvalue()
    d = dispute_found_on(world, D(2026, 12, 31))
    enter_holidays(world, D(2027, 1, 1), D(2027, 1, 3))
    enter_holidays(world, D(2027, 2, 6), kind=WORK, name="测试调休")
    out = io.StringIO()
    call_command("holidays", "--year", "2027", "--check", "--recompute", stdout=out)
    assert "2027年：已录入（放假3天，调休上班1天）" in out.getvalue() and "期限变更1件" in out.getvalue()
    d.refresh_from_db()
    assert d.due_on == D(2027, 1, 4) and d.history.latest().history_user == world.users["admin"]
    with pytest.raises(CommandError, match="年份应在2000–2100之间"):
        call_command("holidays", "--year", "1800")
    with pytest.raises(CommandError, match="不能修改节假日安排"):
        call_command("holidays", "--recompute", "--user", "clerk_a")
