"""EXPLAIN ANALYZE of the snapshot computation's statements and of the dashboards' snapshot reads.

    DATABASE_URL=postgresql://... .venv/bin/python scripts/snapshot_plans.py [--month 2026-11] > plans.md

On a city built by scripts/city_fixture.py --ledgers (PostgreSQL only). It computes the month of the
root once with every write statement run as EXPLAIN (ANALYZE, BUFFERS) — each still runs once, so the
snapshot is the one a computation writes — then explains the dashboards' reads (querysets of
dashboards.selectors) for the root, a county and a township. docs/snapshot-plans.md keeps a run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPLAINED = ("INSERT", "DELETE", "CREATE TEMP TABLE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2026-11")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from dashboards import compute
    from dashboards.models import ALL_GROUPS, DepartmentMonth, Period, RegionMonth, SubjectMonth
    from units.models import Department, Region, RegionLevel

    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN ANALYZE needs PostgreSQL (DATABASE_URL)")
    month = datetime.datetime.strptime(args.month, "%Y-%m").date()
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    county = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=root.prefix).order_by("code").first()
    township = Region.objects.filter(parent=county).order_by("code").first()
    plans: list[tuple[str, float, str]] = []

    def explain(execute, sql, params, many, context):
        head = sql.lstrip().upper()
        plain_ddl = head.startswith("CREATE") and " AS SELECT " not in head
        if many or plain_ddl or not head.startswith(EXPLAINED):
            return execute(sql, params, many, context)
        start = time.perf_counter()
        result = execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params, many, context)
        seconds = time.perf_counter() - start
        plan = "\n".join(row[0] for row in context["cursor"].fetchall())
        plans.append((" ".join(sql.split())[:300], seconds, plan))
        return result

    with connection.execute_wrapper(explain):
        started = time.perf_counter()
        compute.compute_month(region=root, month=month)
        total = time.perf_counter() - started
    print(f"## compute_month({root.name}, {month:%Y-%m}): {total:.2f} s with EXPLAIN ANALYZE\n")
    for sql, seconds, plan in sorted(plans, key=lambda p: -p[1])[:14]:
        print(f"### {seconds:.3f} s\n\n```sql\n{sql} …\n```\n\n```\n{plan}\n```\n")

    print("## Dashboard reads\n")
    department = Department.objects.order_by("pk").first()
    reads = {
        f"达标明细: failing subjects of {root.name} (年度累计), first page": SubjectMonth.objects.filter(
            month=month, region_code__startswith=root.prefix, ytd_passed=False
        )
        .select_related("subject", "region", "region__parent", "subject__category")
        .order_by("region_code", "subject__name", "pk")[:50],
        f"达标明细: count for {county.name}": SubjectMonth.objects.filter(
            month=month, region_code__startswith=county.prefix, ytd_passed=False
        ),
        f"overview: {county.name}'s rows": RegionMonth.objects.filter(region=county, month=month),
        f"ranking: {root.name}'s children": RegionMonth.objects.filter(
            region__parent=root, month=month, period=Period.YTD
        )
        .select_related("region")
        .order_by("region__code"),
        f"trend: {township.name}'s year": RegionMonth.objects.filter(region=township, month__year=month.year),
        f"department {department.name}: {county.name}'s children": DepartmentMonth.objects.filter(
            department=department, region__parent=county, month=month, period=Period.YTD
        ),
        "subject history": SubjectMonth.objects.filter(
            subject_id=SubjectMonth.objects.values("subject_id")[:1]
        ).order_by("-month")[:36],
        "incremental: a chain's 全部 rows": RegionMonth.objects.filter(
            month=month, period=Period.MONTH, group=ALL_GROUPS, region_code__in=[root.code, county.code, township.code]
        ),
    }
    for label, qs in reads.items():
        print(f"### {label}\n\n```\n{qs.explain(analyze=True, buffers=True, costs=False)}\n```\n")


if __name__ == "__main__":
    main()
