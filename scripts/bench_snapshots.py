"""Time the monthly snapshots of a large tree beside lower bounds measured in the same run.

    DATABASE_URL=postgresql://... .venv/bin/python scripts/bench_snapshots.py [--month 2026-11]
        [--region CODE] [--county CODE] [--year] [--fan-out] [--repeat 2] [--profile]

Run it on a database built by scripts/city_fixture.py --ledgers (or seed_demo --scale city). It prints,
for the root (default: the first root region) and one county (default: the first county):

- ``month``: compute_month of one month (what the Celery task and compute_snapshots run);
- ``year``: the twelve months of the month's year, one after the other (--year);
- ``fan-out``: the same year split into per-county parts run in this process (--fan-out; a worker runs
  the same parts);
- lower bounds: ``read`` fetches every SubjectMonth, RegionMonth and DepartmentMonth row of the month
  and the subtree (the rows a computation produces) in one SELECT each; ``read+write`` also deletes
  them and writes them back with COPY (sanzero.bulk.insert_rows), in a transaction rolled back at the
  end; ``rewrite in the database`` copies them aside, deletes them and inserts them again with
  INSERT … SELECT, never leaving the database — the floor of a set-based computation.

--profile writes a pyinstrument profile of one root month to var/bench-snapshots-profile.txt.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times) if len(times) > 1 else times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="", help="YYYY-MM (default: last month)")
    parser.add_argument("--region", default="", help="the root to compute (default: the first root region)")
    parser.add_argument("--county", default="", help="the county to time alone (default: the first county)")
    parser.add_argument("--year", action="store_true", help="also the twelve months of the year, one by one")
    parser.add_argument("--fan-out", action="store_true", help="also the year as per-county parts (in process)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timing; the fastest is shown")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from dashboards import compute
    from dashboards.models import DepartmentMonth, RegionMonth, SubjectMonth
    from sanzero.bulk import insert_rows
    from units.models import Region, RegionLevel

    if args.month:
        month = datetime.datetime.strptime(args.month, "%Y-%m").date()
    else:
        month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    root = (
        Region.objects.get(code=args.region)
        if args.region
        else Region.objects.filter(parent__isnull=True).order_by("code").first()
    )
    county = (
        Region.objects.get(code=args.county)
        if args.county
        else Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=root.prefix).order_by("code").first()
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (SubjectMonth, RegionMonth, DepartmentMonth):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    print(f"{connection.vendor}, {root.name} ({root.code}), {county.name} ({county.code}), {month:%Y-%m}")

    def month_of(region):
        return lambda: compute.compute_month(region=region, month=month)

    def lower_bounds(region) -> tuple[float, float]:
        models = (SubjectMonth, RegionMonth, DepartmentMonth)

        def read():
            return {
                model: list(
                    model.objects.filter(month=month, region_code__startswith=region.prefix).values(
                        *[f.attname for f in model._meta.concrete_fields if f.attname != "id"]
                    )
                )
                for model in models
            }

        def read_write():
            with transaction.atomic():
                rows = read()
                for model in models:
                    model.objects.filter(month=month, region_code__startswith=region.prefix).delete()
                for model in models:
                    insert_rows(model, rows[model])
                if connection.vendor == "postgresql":  # the deferred foreign-key checks a commit would run
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                transaction.set_rollback(True)

        def rewrite_in_database():
            """The same rows copied aside, deleted and inserted again without leaving the database:
            the floor of a set-based computation (which writes them with INSERT … SELECT)."""
            with transaction.atomic(), connection.cursor() as cursor:
                for model in models:
                    table = model._meta.db_table
                    where = "month = %s AND region_code LIKE %s"
                    params = [month, region.prefix + "%"]
                    cursor.execute(f"CREATE TEMP TABLE bench_rows AS SELECT * FROM {table} WHERE {where}", params)
                    cursor.execute(f"DELETE FROM {table} WHERE {where}", params)
                    cursor.execute(f"INSERT INTO {table} SELECT * FROM bench_rows")
                    cursor.execute("DROP TABLE bench_rows")
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                transaction.set_rollback(True)

        return _timed(read, args.repeat), _timed(read_write, args.repeat), _timed(rewrite_in_database, args.repeat)

    results = []
    for label, region in (("root", root), ("county", county)):
        seconds = _timed(month_of(region), args.repeat)
        read, read_write, in_db = lower_bounds(region)
        n = SubjectMonth.objects.filter(month=month, region_code__startswith=region.prefix).count()
        results.append((label, region, seconds, read, read_write, n))
        print(
            f"{label:6} month {seconds:6.2f} s  ({n} subjects)  lower bounds: read {read:.2f} s, "
            f"read+write {read_write:.2f} s, rewrite in the database {in_db:.2f} s  "
            f"→ {seconds / read_write:.1f}× read+write, {seconds / in_db:.1f}× the rewrite"
        )
    months = [month.replace(month=m) for m in range(1, 13)]
    if args.year:
        start = time.perf_counter()
        for m in months:
            compute.compute_month(region=root, month=m)
        year = time.perf_counter() - start
        print(f"root   year  {year:6.2f} s  (12 months one by one; {year / 12:.2f} s a month)")
    if args.fan_out:
        from dashboards import fanout

        start = time.perf_counter()
        fanout.compute_in_process(region=root, months=months)
        seconds = time.perf_counter() - start
        print(f"root   year  {seconds:6.2f} s  fan-out parts run in this process")
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
        compute.compute_month(region=root, month=month)
        profiler.stop()
        out = ROOT / "var" / "bench-snapshots-profile.txt"
        out.parent.mkdir(exist_ok=True)
        out.write_text(profiler.output_text(unicode=True, color=False))
        print(f"profile: {out}")


if __name__ == "__main__":
    main()
