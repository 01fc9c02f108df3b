"""零报告 (issue 14, point 4): a township declares its month (有事报情况 / 无事报平安) before 上报; the county
sees who has not declared and the silent subjects; every declaration is scoped and audited."""

import datetime

import pytest
import time_machine

from dashboards import compute
from dashboards import services as dashboard_services
from dashboards.models import MonthStatus
from declarations import services
from declarations.models import Declaration
from hazards import services as hazard_services
from sanzero.services import ServiceError
from sanzero.testing import assert_flat_queries, queries_of

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
BOARD = "/declarations/"
DECLARE = "/declarations/declare/"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


def hazard(world, subject, day, user="clerk_a"):
    return hazard_services.hazard_create(
        actor=world.users[user],
        data={"subject": subject, "found_on": day, "category": "用电", "level": "一般", "description": "电线老化"},
    )


@pytest.fixture
def march(world):
    """甲镇 has a March hazard at its shop; 乙镇 has no March entry (its hazard is in February)."""
    hazard(world, world.shop_a, datetime.date(2026, 3, 2))
    hazard(world, world.shop_b, datetime.date(2026, 2, 20), user="clerk_b")
    compute.compute_month(region=world.county, month=MARCH)
    return world


def submit(client, town, month="2026-03"):
    return client.post("/dashboard/month/", {"region": town.code, "month": month, "action": "submit"})


def declare(client, region, kind, month="2026-03", note=""):
    return client.post(DECLARE, {"region": region.code, "month": month, "kind": kind, "note": note})


def messages_of(client, response) -> str:
    """The page a refused action shows its message on: the redirect's target, or the form page again (400)."""
    if response.status_code == 400:
        return response.content.decode()
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).content.decode()


def state(region):
    row = MonthStatus.objects.filter(region=region, month=MARCH).first()
    return row.status if row else None


# --- 上报 waits for the declaration ---------------------------------------------------------------


def test_submit_is_refused_until_the_township_has_declared(march, client_as):
    clerk = client_as("clerk_a")
    page = clerk.get(f"/dashboard/month/submit/?region={march.town_a.code}&month=2026-03").content.decode()
    assert 'id="declaration-panel"' in page and "尚未申报2026年3月零报告，申报后才能上报。" in page
    assert 'id="submit-blocked"' in page
    response = submit(clerk, march.town_a)
    assert state(march.town_a) is None
    assert (
        "甲镇尚未申报2026年3月零报告，不能上报。请先在“零报告”页申报“有事报情况”或“无事报平安”，再上报。"
        in messages_of(clerk, response)
    )
    with pytest.raises(ServiceError, match="尚未申报2026年3月零报告"):
        dashboard_services.month_submit(actor=march.users["clerk_a"], region=march.town_a, month=MARCH)

    response = declare(clerk, march.town_a, "entries")
    assert response.status_code == 302
    assert "已申报甲镇2026年3月零报告：有事报情况。现在可以上报本月数据。" in messages_of(clerk, response)
    page = clerk.get(f"/dashboard/month/submit/?region={march.town_a.code}&month=2026-03").content.decode()
    assert 'id="submit-blocked"' not in page and "确认上报3月" in page
    submit(clerk, march.town_a)
    assert state(march.town_a) == "submitted"


def test_the_declaration_must_match_the_months_entries(march, client_as):
    clerk_a, clerk_b = client_as("clerk_a"), client_as("clerk_b")
    refused = declare(clerk_a, march.town_a, "nothing")
    assert "甲镇2026年3月已登记1条台账（安全隐患1条），不能申报“无事报平安”，请申报“有事报情况”。" in messages_of(
        clerk_a, refused
    )
    refused = declare(clerk_b, march.town_b, "entries")
    assert "乙镇2026年3月尚未登记任何台账，不能申报“有事报情况”。请先录入台账，或申报“无事报平安”。" in messages_of(
        clerk_b, refused
    )
    assert not Declaration.objects.exists()
    declare(clerk_b, march.town_b, "nothing", note="本月辖区平稳")
    row = Declaration.objects.get(region=march.town_b)
    assert (row.kind, row.entry_total, row.note) == ("nothing", 0, "本月辖区平稳")
    declare(clerk_a, march.town_a, "entries")
    row = Declaration.objects.get(region=march.town_a)
    assert (row.kind, row.entry_counts, row.entry_total) == ("entries", {"安全隐患": 1}, 1)


def test_an_entry_recorded_after_nothing_to_report_blocks_the_submission(march, client_as):
    clerk_b = client_as("clerk_b")
    declare(clerk_b, march.town_b, "nothing")
    hazard(march, march.school_b, datetime.date(2026, 3, 28), user="clerk_b")  # back-entered after declaring
    response = submit(clerk_b, march.town_b)
    assert state(march.town_b) is None
    assert "乙镇申报2026年3月“无事报平安”后又登记了1条台账，不能上报。请重新申报“有事报情况”后再上报。" in messages_of(
        clerk_b, response
    )
    board = client_as("county").get(f"{BOARD}?month=2026-03").content.decode()
    assert "申报“无事报平安”后又登记了1条台账" in board
    declare(clerk_b, march.town_b, "entries")
    submit(clerk_b, march.town_b)
    assert state(march.town_b) == "submitted"


# --- the county's view: who has not declared, silent subjects -------------------------------------


def test_the_county_sees_the_undeclared_townships_and_the_silent_subjects(march, client_as):
    declare(client_as("clerk_a"), march.town_a, "entries")
    page = client_as("county").get(f"{BOARD}?month=2026-03").content.decode()
    assert "已申报 1/2" in page and "未申报：<strong>乙镇</strong>" in page
    # 乙镇 declared nothing and has no March entry: all its subjects in the campaign are silent
    silent = client_as("county").get("/declarations/silent/?month=2026-03").content.decode()
    rows = silent.split('id="silent-table"')[1]
    for name in ("乙镇中学", "乙一村商店", "乙一村"):
        assert f">{name}</a>" in rows
    for name in ("甲镇中心学校", "甲一村超市", "甲一村", "甲城社区"):
        assert f">{name}</a>" not in rows
    assert "共 3 个" in silent
    # once 乙镇 declares, no subject is silent
    declare(client_as("clerk_b"), march.town_b, "nothing")
    page = client_as("county").get(f"{BOARD}?month=2026-03").content.decode()
    assert "已申报 2/2" in page and "没有沉默主体" in page


def test_a_subject_with_an_entry_in_the_month_is_not_silent(march, client_as):
    hazard(march, march.school_b, datetime.date(2026, 3, 5), user="clerk_b")
    silent = client_as("county").get("/declarations/silent/?month=2026-03").content.decode()
    rows = silent.split('id="silent-table"')[1]
    assert ">乙镇中学</a>" not in rows and ">乙一村商店</a>" in rows


def test_the_silent_subjects_export(march, client_as):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_as("county").get("/declarations/silent/?month=2026-03&export=xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("乡镇(街道)", "所属区划", "区划代码", "主体名称")
    # nobody declared: every subject without a March entry (all but 甲一村超市) is silent
    expected = ["乙镇中学", "乙一村商店", "乙一村", "甲镇中心学校", "甲一村", "甲城社区"]
    assert sorted(r[3] for r in rows[1:]) == sorted(expected)


def test_a_big_silent_list_is_exported_in_the_background_for_its_owner(
    march, client_as, settings, media, django_capture_on_commit_callbacks
):
    from sanzero.models import ExportJob

    settings.EXPORT_SYNC_ROW_LIMIT = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("county").get("/declarations/silent/?month=2026-03&export=xlsx")
    assert response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    assert (job.kind, job.status, job.row_count) == ("declarations:silent", "done", 6)


def test_a_grid_worker_declares_its_village_which_then_has_no_silent_subjects(march, client_as):
    grid = client_as("grid_a")
    board = grid.get(f"{BOARD}?month=2026-03").content.decode()
    assert 'id="village-declarations"' in board and "甲一村" in board
    response = declare(grid, march.village_a, "entries")  # the shop's hazard is in 甲一村
    assert response.status_code == 302
    assert Declaration.objects.get(region=march.village_a).declared_by == march.users["grid_a"]
    county = client_as("county").get(f"{BOARD}?month=2026-03").content.decode()
    assert "（网格员申报）" in county
    # the grid worker cannot declare for the township
    assert declare(grid, march.town_a, "entries").status_code == 404


# --- scope ----------------------------------------------------------------------------------------


def test_a_clerk_declares_only_for_its_township(march, client_as):
    clerk_b = client_as("clerk_b")
    assert declare(clerk_b, march.town_a, "entries").status_code == 404
    assert clerk_b.get(f"{DECLARE}?region={march.town_a.code}&month=2026-03").status_code == 404
    assert not Declaration.objects.exists()
    with pytest.raises(Exception, match="管辖范围"):
        services.declaration_declare(actor=march.users["clerk_b"], region=march.town_a, month=MARCH, kind="entries")
    declare(client_as("clerk_a"), march.town_a, "entries")
    row = Declaration.objects.get()
    assert clerk_b.get(f"/declarations/{row.pk}/").status_code == 404
    assert clerk_b.post(f"/declarations/{row.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client_as("clerk_a").get(f"/declarations/{row.pk}/").status_code == 200
    assert client_as("county").get(f"/declarations/{row.pk}/").status_code == 200
    assert client_as("dept_edu").get(f"/declarations/{row.pk}/").status_code == 403
    assert client_as("county").post(DECLARE, {"region": march.town_a.code, "month": "2026-03"}).status_code == 403
    board_b = clerk_b.get(f"{BOARD}?month=2026-03").content.decode()
    assert "甲镇" not in board_b and "甲一村超市" not in board_b


def test_withdrawal_is_audited_and_closed_once_submitted(march, client_as):
    clerk = client_as("clerk_a")
    declare(clerk, march.town_a, "entries")
    row = Declaration.objects.get()
    refused = clerk.post(f"/declarations/{row.pk}/withdraw/", {"reason": " "})
    assert "撤回零报告必须填写原因。" in messages_of(clerk, refused)
    clerk.post(f"/declarations/{row.pk}/withdraw/", {"reason": "漏报月末纠纷"})
    row.refresh_from_db()
    assert (row.kind, row.note) == ("withdrawn", "漏报月末纠纷")
    page = clerk.get(f"/declarations/{row.pk}/").content.decode()
    assert "撤回2026年3月零报告：漏报月末纠纷" in page and "申报2026年3月零报告：有事报情况（台账1条）" in page
    response = submit(clerk, march.town_a)
    assert state(march.town_a) is None and "尚未申报2026年3月零报告" in messages_of(clerk, response)
    declare(clerk, march.town_a, "entries")
    submit(clerk, march.town_a)
    refused = clerk.post(f"/declarations/{row.pk}/withdraw/", {"reason": "再改"})
    assert "甲镇2026年3月已上报，零报告不能再修改。如需修改，请先撤回上报。" in messages_of(clerk, refused)
    refused = declare(clerk, march.town_a, "entries")
    assert "已上报，零报告不能再修改" in messages_of(clerk, refused)
    assert Declaration.objects.get().kind == "entries"


def test_future_months_are_refused(march, client_as):
    refused = declare(client_as("clerk_a"), march.town_a, "entries", month="2026-05")
    assert "不能申报尚未到来的月份。" in messages_of(client_as("clerk_a"), refused)


# --- query counts ---------------------------------------------------------------------------------


def test_the_board_and_the_silent_list_run_a_fixed_number_of_queries(march, client_as):
    from units import services as unit_services
    from units.models import Category, RegionLevel, Subject

    client = client_as("county")
    enterprise = Category.objects.get(name="企业")

    def townships(numbers):  # each with a village, a subject and a declaration
        for n in numbers:
            town = unit_services.region_create(
                actor=None, code=f"990121{200 + n}000", name=f"丙{n}镇", level=RegionLevel.TOWNSHIP, parent=march.county
            )
            unit_services.region_create(
                actor=None, code=f"990121{200 + n}201", name=f"丙{n}村", level=RegionLevel.VILLAGE, parent=town
            )
            Declaration.objects.create(
                region=town, month=MARCH, kind="nothing", declared_by=march.users["admin"], declared_at=march.county_at
            )

    def subjects(numbers):
        for n in numbers:
            Subject.objects.create(name=f"乙镇企业{n}", category=enterprise, region=march.town_b)

    march.county_at = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)
    assert_flat_queries(lambda: queries_of(client, f"{BOARD}?month=2026-03"), add=townships)
    assert_flat_queries(lambda: queries_of(client, "/declarations/silent/?month=2026-03"), add=subjects)
