"""The 代办 page counts as 长治 publishes them (seed 003): “全市共列入‘四级书记’代办信访事项180件，其中上级
交办57件（纳入代办52件），本级自查128件；县委书记代办9件，乡镇(街道)书记代办111件，村(社区)书记代办60件。”
A fixture with those numbers in 甲镇 from January to September, and records that must not count: 乙镇's,
甲镇's of October, none of them in the figures for 甲镇 and that period."""

import datetime
import itertools
import re

import pytest

from agency import services
from disputes.models import Dispute
from petitions.models import Petition
from sanzero.testing import assert_flat_queries, queries_of
from units.models import Subject

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
START = datetime.date(2026, 1, 5)
NUMBERS = itertools.count(1)
# The list: session, user, the user's scope regions, the remembered filters, COUNT, the page of rows (each
# with its petition or dispute, subject, region and township joined), the figures (one aggregate) and the
# names of the regions they cover.
LIST_QUERIES = 8


def _matters(world, count, *, subject, kind):
    """``count`` petitions or disputes of ``subject`` on START (bulk: the figures are what is tested)."""
    if kind == "petition":
        Petition.objects.bulk_create(
            Petition(
                subject=subject, received_on=START, channel="来访", content=f"诉求{i}", case_number=f"T{next(NUMBERS)}"
            )
            for i in range(count)
        )
        return list(Petition.objects.filter(subject=subject).order_by("-pk")[:count])
    from disputes.models import MediationLevel

    level = MediationLevel.objects.order_by("order").first()
    Dispute.objects.bulk_create(
        Dispute(subject=subject, found_on=START, category="邻里纠纷", summary=f"纠纷{i}", level=level,
                level_started_on=START, level_days=1, handling_tier=level.tier)
        for i in range(count)
    )  # fmt: skip
    return list(Dispute.objects.filter(subject=subject).order_by("-pk")[:count])


def _record(actor, matter, *, source, included=True, level="", day):
    data = {
        "source": source,
        "included": included,
        "level": level if included else "",
        "secretary": f"{level}书记" if included else "",
        "not_included_reason": "" if included else "诉求已依法终结",
        "assigned_by": "市信访局" if source == "上级交办" else "",
        "taken_on": day,
        matter._meta.model_name: matter,
    }
    return services.agency_create(actor=actor, data=data)


@pytest.fixture
def changzhi(world):
    """甲镇, January–September: 57 上级交办 (52 taken on, 5 not), 128 本级自查; of the 180 taken on, 县委书记 9,
    乡镇(街道)书记 111, 村(社区)书记 60. 150 petitions and 35 disputes. Beside it, 乙镇's and October's."""
    clerk = world.users["clerk_a"]
    matters = _matters(world, 150, subject=world.shop_a, kind="petition")
    village = Subject.objects.get(region=world.village_a, category__name="村")  # the village itself
    matters += _matters(world, 35, subject=village, kind="dispute")
    levels = ["县"] * 9 + ["乡镇"] * 111 + ["村"] * 60
    plan = [("上级交办", True)] * 52 + [("本级自查", True)] * 128
    for i, ((source, _), level) in enumerate(zip(plan, levels, strict=True)):
        _record(clerk, matters[i], source=source, level=level, day=START + datetime.timedelta(days=i))
    for matter in matters[180:]:
        _record(clerk, matter, source="上级交办", included=False, day=datetime.date(2026, 9, 30))
    # not counted: 乙镇's (another region), 甲镇's of October (another period)
    for matter in _matters(world, 3, subject=world.shop_b, kind="petition"):
        _record(world.users["clerk_b"], matter, source="本级自查", level="县", day=datetime.date(2026, 3, 1))
    for matter in _matters(world, 2, subject=world.school_a, kind="petition"):
        _record(clerk, matter, source="上级交办", level="市", day=datetime.date(2026, 10, 8))
    return world


def test_the_page_counts_as_changzhi_publishes_for_a_region_and_a_period(changzhi, client_as):
    world = changzhi
    query = {"region": world.town_a.code, "date_from": "2026-01-01", "date_to": "2026-09-30"}
    response = client_as("county").get("/agency/", query)
    html = response.content.decode()

    def figure(name):
        return int(re.search(rf'data-figure="{name}">(\d+)<', html).group(1))

    assert {n: figure(n) for n in ("total", "assigned", "assigned_taken", "self_check")} == {
        "total": 180,
        "assigned": 57,
        "assigned_taken": 52,
        "self_check": 128,
    }
    assert {v: figure(f"level-{v}") for v in ("市", "县", "乡镇", "村")} == {"市": 0, "县": 9, "乡镇": 111, "村": 60}
    assert (
        "甲镇2026年1月1日至2026年9月30日共列入“四级书记”代办事项180件，其中上级交办57件（纳入代办52件），本级自查128件；"
        "县委书记代办9件，乡镇(街道)书记代办111件，村(社区)书记代办60件。"
    ) in html
    assert response.context["figures"].petitions == 150 and response.context["figures"].disputes == 30
    # the list below follows every filter; the figures only region, period and kind
    narrowed = client_as("county").get("/agency/", {**query, "source": "上级交办", "per_page": 100})
    assert narrowed.context["table"].page.paginator.count == 57 and narrowed.context["figures"].total == 180
    disputes = client_as("county").get("/agency/", {**query, "kind": "dispute"}).context["figures"]
    assert (disputes.total, disputes.assigned, disputes.self_check) == (30, 5, 30 - 0)


def test_the_whole_county_and_year_counts_everything_in_scope(changzhi, client_as):
    figures = (
        client_as("county").get("/agency/", {"date_from": "2026-01-01", "date_to": "2026-12-31"}).context["figures"]
    )
    assert (figures.total, figures.assigned, figures.self_check, figures.by_level["市"]) == (185, 59, 131, 2)
    mine = client_as("clerk_b").get("/agency/").context["figures"]
    assert (mine.total, mine.by_level["县"]) == (3, 3)


def test_the_list_costs_the_same_queries_for_3_and_30_records(world, client_as):
    clerk = world.users["clerk_a"]

    def add(rows):
        for matter in _matters(world, len(rows), subject=world.shop_a, kind="petition"):
            _record(clerk, matter, source="本级自查", level="村", day=START)

    flat = assert_flat_queries(
        lambda: queries_of(client_as("county"), "/agency/?per_page=50"), add=add, expected=LIST_QUERIES
    )
    assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 30]
