"""insert_rows writes what bulk_create would: every type a snapshot row holds reads back the same, on
SQLite and on PostgreSQL (CI runs both), defaults filled for the fields a row leaves out."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboards.models import RegionMonth, RuleSet, SubjectMonth
from sanzero.bulk import insert_rows

pytestmark = pytest.mark.django_db


def test_rows_read_back_as_written(world):
    now = timezone.now().replace(microsecond=123456)
    march = datetime.date(2026, 3, 1)
    count = insert_rows(
        RegionMonth,
        [
            {"region_id": world.county.pk, "region_code": world.county.code, "month": march, "group": "unit",
             "period": "month", "target": Decimal("0.8000"), "computed_at": now, "total": 7, "passed": 5},
            {"region_id": world.town_a.pk, "region_code": world.town_a.code, "month": march, "group": "all",
             "period": "ytd", "target": None, "computed_at": now},
        ],
    )  # fmt: skip
    assert count == 2
    county = RegionMonth.objects.get(region=world.county)
    assert (county.target, county.computed_at, county.total, county.passed) == (Decimal("0.8000"), now, 7, 5)
    town = RegionMonth.objects.get(region=world.town_a)
    assert (town.target, town.total, town.disputes_found) == (None, 0, 0)

    rule = RuleSet.current("unit", world.county)
    insert_rows(
        SubjectMonth,
        [
            {"subject_id": world.shop_a.pk, "month": march, "region_id": world.village_a.pk,
             "region_code": world.village_a.code, "group": "unit", "department_id": None, "rule_id": rule.pk,
             "computed_at": now, "petition_ok": True, "accident_ok": False, "case_ok": True,
             "computed_passed": False, "ytd_petition_ok": True, "ytd_accident_ok": False, "ytd_case_ok": True,
             "ytd_computed_passed": False, "failures": {"accidents": [3, 4]}, "ytd_failures": {"accidents": [3]},
             "passed": False, "ytd_passed": False, "ytd_basis": datetime.date(2026, 2, 1)},
        ],
    )  # fmt: skip
    row = SubjectMonth.objects.get()
    assert row.failures == {"accidents": [3, 4]} and row.ytd_basis == datetime.date(2026, 2, 1)
    assert (row.accident_ok, row.override_passed, row.override_reason) == (False, None, "")
