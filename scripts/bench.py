"""`make bench`: a city or a province on PostgreSQL, each figure beside its target and, where one can be
measured, a lower bound from the same run. Prints a table and writes var/bench.json.

    .venv/bin/python scripts/bench.py [--scale city|province] [--requests 200] [--no-excel]
    make bench                          # city
    make bench BENCH_ARGS="--scale province"

The data is built in a throwaway PostgreSQL database (created and dropped here; ``--server`` or
``BENCH_PG_URL``, default postgresql://postgres@127.0.0.1:5432/postgres) by ``units.scale.build_scale``
(what ``seed_demo --scale`` runs) with a fixed seed, for last year (a whole year of entries), then
VACUUM ANALYZE. Celery runs in-process (no REDIS_URL): the figures are the work, not the queue. Each
phase is its own process, so its peak memory is its own.

(a) one month of snapshots for the whole tree, through ``compute_snapshots --month`` (call_command:
    whatever that command runs), first on an empty table, then recomputed; beside two lower bounds
    measured in the same run: one SQL read of the same verdicts (every subject's three zeros, month
    and year to date) and ledger counts, and that read plus the write of the same number of rows
    (INSERT … SELECT into copies of the snapshot tables, with their indexes);
(b) the twelve months of the year, one after another;
(c) server time (p50, p95) of ``--requests`` GETs of each page through Django's test client in this
    process (no network, no browser: template rendering included), with its query count and size;
    /healthz in the same run for the floor;
(d) the committee report of the root region; scripts/bench_excel.py (a 60,000-row export, a
    10,000-row import) in a second throwaway database;
(e) an incremental update: a 刑事 case saved through its service by a township clerk, timed until the
    township's RegionMonth of that month shows one subject fewer passing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    # figure: (target, unit, scales it applies to)
    "month": (6.0, "s", {"city"}),
    "month_province": (60.0, "s", {"province"}),
    "month_ratio": (2.0, "×", {"city", "province"}),
    "year": (60.0, "s", {"city"}),
    "incremental": (1.0, "s", {"city", "province"}),
    "dashboard_p95": (150.0, "ms", {"province"}),
    "list_p95": (250.0, "ms", {"province"}),
    "page_kb": (300.0, "KB", {"city", "province"}),
    "report": (3.0, "s", {"city", "province"}),
    "export": (20.0, "s", {"city", "province"}),
    "export_mb": (300.0, "MB", {"city", "province"}),
    "import": (30.0, "s", {"city", "province"}),
}


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _root():
    from units.models import Region

    return Region.objects.filter(parent__isnull=True).order_by("code").first()


# --- phases (each in its own process) --------------------------------------------------------------


def phase_build(scale: str, year: int, seed: int, size: float, today: str) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from units.scale import build_scale

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    result = build_scale(
        scale=scale, year=year, seed=seed, size=size, today=datetime.date.fromisoformat(today), say=print
    )
    started_vacuum = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "root": result.root.code,
        "regions": result.regions,
        "subjects": result.subjects,
        "entries": sum(result.ledgers.values()),
        "ledgers": result.ledgers,
        "years": result.years,
        "seconds": {"migrate": migrated, **result.seconds, "vacuum": time.perf_counter() - started_vacuum},
        "peak_mb": _peak_mb(),
    }


VERDICTS = """
WITH f AS (
    SELECT subject_id, bool_or(received_on >= %(m)s) AS m, 'p' AS k FROM petitions_petition
     WHERE received_on BETWEEN %(ys)s AND %(end)s AND (is_skip_level OR is_abnormal OR headcount >= 5)
     GROUP BY subject_id
    UNION ALL
    SELECT subject_id, bool_or(occurred_on >= %(m)s), 'a' FROM hazards_accident
     WHERE occurred_on BETWEEN %(ys)s AND %(end)s AND (deaths > 0 OR injuries > 0 OR serious_injuries > 0)
     GROUP BY subject_id
    UNION ALL
    SELECT subject_id, bool_or(occurred_on >= %(m)s), 'c' FROM cases_policecase
     WHERE occurred_on BETWEEN %(ys)s AND %(end)s AND (kind = '刑事' OR major_influence)
     GROUP BY subject_id
)
SELECT s.id AS subject_id, s.region_id, r.code AS region_code, c."group", s.department_id,
       NOT coalesce(bool_or(f.k = 'p' AND f.m), false) AS petition_ok,
       NOT coalesce(bool_or(f.k = 'a' AND f.m), false) AS accident_ok,
       NOT coalesce(bool_or(f.k = 'c' AND f.m), false) AS case_ok,
       NOT coalesce(bool_or(f.m), false) AS passed,
       NOT coalesce(bool_or(f.k = 'p'), false) AS ytd_petition_ok,
       NOT coalesce(bool_or(f.k = 'a'), false) AS ytd_accident_ok,
       NOT coalesce(bool_or(f.k = 'c'), false) AS ytd_case_ok,
       count(f.k) = 0 AS ytd_passed
  FROM units_subject s
  JOIN units_region r ON r.id = s.region_id
  JOIN units_category c ON c.id = s.category_id
  LEFT JOIN f ON f.subject_id = s.id
 WHERE r.code LIKE %(prefix)s
   AND (s.joined_on IS NULL OR s.joined_on <= %(end)s) AND (s.left_on IS NULL OR s.left_on > %(end)s)
 GROUP BY s.id, r.code, c."group"
"""

COUNTS = """
SELECT 'd', substr(r.code, 1, 9), count(*) FILTER (WHERE x.found_on >= %(m)s),
       count(*) FILTER (WHERE x.found_on >= %(ys)s),
       count(*) FILTER (WHERE x.status = '已化解' AND x.resolved_on <= %(end)s),
       count(*) FILTER (WHERE x.status = '调解中' AND x.overall_due_on < %(end)s)
  FROM disputes_dispute x JOIN units_subject s ON s.id = x.subject_id JOIN units_region r ON r.id = s.region_id
 WHERE r.code LIKE %(prefix)s AND x.found_on <= %(end)s GROUP BY 2
UNION ALL
SELECT 'h', substr(r.code, 1, 9), count(*) FILTER (WHERE x.found_on >= %(m)s),
       count(*) FILTER (WHERE x.found_on >= %(ys)s),
       count(*) FILTER (WHERE x.rectified_on <= %(end)s),
       count(*) FILTER (WHERE x.rectified_on IS NULL AND x.rectify_due < %(end)s)
  FROM hazards_hazard x JOIN units_subject s ON s.id = x.subject_id JOIN units_region r ON r.id = s.region_id
 WHERE r.code LIKE %(prefix)s AND x.found_on <= %(end)s GROUP BY 2
UNION ALL
SELECT 'p', substr(r.code, 1, 9), count(*) FILTER (WHERE x.received_on >= %(m)s),
       count(*) FILTER (WHERE x.received_on >= %(ys)s),
       count(*) FILTER (WHERE x.closed_on <= %(end)s),
       count(*) FILTER (WHERE x.closed_on IS NULL AND x.handle_due < %(end)s)
  FROM petitions_petition x JOIN units_subject s ON s.id = x.subject_id JOIN units_region r ON r.id = s.region_id
 WHERE r.code LIKE %(prefix)s AND x.received_on <= %(end)s GROUP BY 2
"""

SM_COLUMNS = (
    'subject_id, month, region_id, region_code, "group", department_id, rule_id, petition_ok, accident_ok, '
    "case_ok, computed_passed, ytd_petition_ok, ytd_accident_ok, ytd_case_ok, ytd_computed_passed, failures, "
    "ytd_failures, override_reason, ytd_override_reason, passed, ytd_passed, computed_at"
)
SM_SELECT = (
    'SELECT v.subject_id, %(m)s, v.region_id, v.region_code, v."group", v.department_id, '
    "(SELECT min(id) FROM dashboards_ruleset), v.petition_ok, v.accident_ok, v.case_ok, v.passed, "
    "v.ytd_petition_ok, v.ytd_accident_ok, v.ytd_case_ok, v.ytd_passed, '{}', '{}', '', '', v.passed, "
    "v.ytd_passed, now() FROM ("
)


def _lower_bounds(cursor, params: dict) -> dict:
    started = time.perf_counter()
    cursor.execute(VERDICTS, params)
    verdicts = cursor.fetchall()
    cursor.execute(COUNTS, params)
    counts = cursor.fetchall()
    read = time.perf_counter() - started
    for table in ("subjectmonth", "regionmonth", "departmentmonth"):
        cursor.execute(f"DROP TABLE IF EXISTS bench_{table}")
        cursor.execute(f"CREATE TABLE bench_{table} (LIKE dashboards_{table} INCLUDING ALL)")
    started = time.perf_counter()
    cursor.execute(f"INSERT INTO bench_subjectmonth ({SM_COLUMNS}) {SM_SELECT}{VERDICTS}) v", params)
    subject_rows = cursor.rowcount
    cursor.execute(COUNTS, params)
    cursor.fetchall()
    region_rows = 0
    for table in ("regionmonth", "departmentmonth"):
        cursor.execute(
            f"INSERT INTO bench_{table} SELECT * FROM dashboards_{table} WHERE month = %(m)s "
            "AND (region_code LIKE %(prefix)s OR region_code IN (SELECT code FROM units_region WHERE parent_id IS NULL))",
            params,
        )
        region_rows += cursor.rowcount
    write = time.perf_counter() - started
    for table in ("subjectmonth", "regionmonth", "departmentmonth"):
        cursor.execute(f"DROP TABLE bench_{table}")
    return {
        "read": read,
        "read_write": write,
        "verdict_rows": len(verdicts),
        "count_rows": len(counts),
        "rows_written": subject_rows + region_rows,
    }


def _compute(month: datetime.date) -> float:
    from io import StringIO

    from django.core.management import call_command

    started = time.perf_counter()
    call_command("compute_snapshots", month=f"{month:%Y-%m}", stdout=StringIO())
    return time.perf_counter() - started


def phase_snapshots(year: int) -> dict:
    from django.db import connection

    from dashboards.models import DepartmentMonth, RegionMonth, SubjectMonth

    root = _root()
    month = datetime.date(year, 12, 1)
    params = {
        "m": month,
        "ys": month.replace(month=1),
        "end": datetime.date(year, 12, 31),
        "prefix": root.prefix + "%",
    }
    first = _compute(month)
    rows = {
        "subject_months": SubjectMonth.objects.filter(month=month).count(),
        "region_months": RegionMonth.objects.filter(month=month).count()
        + DepartmentMonth.objects.filter(month=month).count(),
    }
    again = _compute(month)
    with connection.cursor() as cursor:
        bounds = _lower_bounds(cursor, params)
    started = time.perf_counter()
    months = []
    for m in range(1, 13):
        months.append(_compute(datetime.date(year, m, 1)))
    year_seconds = time.perf_counter() - started
    return {
        "month": f"{month:%Y-%m}",
        "first": first,
        "again": again,
        **rows,
        "lower_bound": bounds,
        "year": year_seconds,
        "months": months,
        "peak_mb": _peak_mb(),
    }


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def phase_pages(requests: int, root_user: str, year: int) -> dict:
    import logging

    from django.conf import settings
    from django.db import connection

    logging.getLogger("django.request").setLevel(logging.ERROR)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {  # static URLs without a collectstatic manifest
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from units.models import Region

    root = _root()
    month = f"{year}-12"
    county = Region.objects.filter(parent__isnull=False, level="county").order_by("code").first()
    pages = [
        ("healthz", "floor", root_user, "/healthz"),
        ("dashboard", "dashboard", root_user, f"/dashboard/?region={root.code}&month={month}"),
        ("ranking", "dashboard", root_user, f"/dashboard/ranking/?region={root.code}&month={month}"),
        ("failing drill-down", "dashboard", root_user, f"/dashboard/subjects/?region={county.code}&month={month}"),
        ("county dashboard", "dashboard", "county", f"/dashboard/?region={county.code}&month={month}"),
        ("disputes ?status=调解中", "list", root_user, "/disputes/?status=调解中"),
        ("hazards ?status=整改中", "list", root_user, "/hazards/?status=整改中"),
        ("subjects", "list", root_user, "/subjects/?sort=name"),
        ("subjects page 50", "list", root_user, "/subjects/?sort=name&page=50"),
        ("petitions", "list", root_user, "/petitions/?sort=-received_on"),
        ("new dispute form", "list", "clerk_a", "/disputes/new/"),
    ]
    out = []
    for label, kind, username, url in pages:
        client = _client(username)
        for _ in range(3):  # warm-up: per-process caches, the database's buffers
            client.get(url)
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):  # (request_started empties connection.queries)
            response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out.append(
            {
                "page": label,
                "kind": kind,
                "user": username,
                "url": url,
                "status": response.status_code,
                "queries": len(queries),
                "kb": len(body) / 1024,
                "p50_ms": statistics.median(times),
                "p95_ms": times[max(0, round(len(times) * 0.95) - 1)],
            }
        )
        print(json.dumps(out[-1], ensure_ascii=False), file=sys.stderr)
    return {"pages": out, "requests": requests}


def phase_report(year: int, root_user: str) -> dict:
    from io import BytesIO

    from django.contrib.auth import get_user_model

    from reports.builder import build_report

    user = get_user_model().objects.get(username=root_user)
    root = _root()
    times = []
    for _ in range(3):
        buffer = BytesIO()
        started = time.perf_counter()
        data = build_report(user_or_none=user, region=root, month=datetime.date(year, 12, 1), stream_or_path=buffer)
        times.append(time.perf_counter() - started)
    return {"seconds": max(times), "all": times, "regions": len(data.regions), "bytes": len(buffer.getvalue())}


def phase_incremental(year: int) -> dict:
    from django.contrib.auth import get_user_model

    from cases.services import police_case_create
    from dashboards.models import ALL_GROUPS, Period, RegionMonth, SubjectMonth

    clerk = get_user_model().objects.get(username="clerk_a")
    township = clerk.scope_regions.get()
    month = datetime.date(year, 12, 1)
    row = (
        SubjectMonth.objects.filter(month=month, region_code__startswith=township.prefix, passed=True)
        .select_related("subject")
        .order_by("subject_id")
        .first()
    )

    def figure():
        return RegionMonth.objects.get(region=township, month=month, group=ALL_GROUPS, period=Period.MONTH).passed

    before = figure()
    started = time.perf_counter()
    police_case_create(
        actor=clerk,
        data={
            "subject": row.subject,
            "occurred_on": datetime.date(year, 12, 15),
            "kind": "刑事",
            "cause": "盗窃",
            "summary": "压测：入室盗窃。",
            "unit": "压测派出所",
            "case_no": f"压测刑〔{year}〕0001号",
        },
    )
    saved = time.perf_counter() - started
    while figure() != before - 1 and time.perf_counter() - started < 30:
        time.sleep(0.01)
    total = time.perf_counter() - started
    return {"seconds": total, "save": saved, "before": before, "after": figure(), "township": township.name}


PHASES = {
    "build": lambda a: phase_build(a[0], int(a[1]), int(a[2]), float(a[3]), a[4]),
    "snapshots": lambda a: phase_snapshots(int(a[0])),
    "pages": lambda a: phase_pages(int(a[0]), a[1], int(a[2])),
    "report": lambda a: phase_report(int(a[0]), a[1]),
    "incremental": lambda a: phase_incremental(int(a[0])),
}


# --- the driver ------------------------------------------------------------------------------------


PARTIAL = ROOT / "var" / "bench.partial.json"


def run_phase(name: str, url: str, *args) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, __file__, "--phase", name, *map(str, args)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    if proc.returncode:
        sys.stdout.write(proc.stdout)
        raise SystemExit(f"phase {name} failed")
    lines = proc.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(f"    {line}")
    result = json.loads(lines[-1])
    PARTIAL.parent.mkdir(parents=True, exist_ok=True)  # what a run stopped midway had measured
    done = json.loads(PARTIAL.read_text()) if PARTIAL.exists() else {}
    PARTIAL.write_text(json.dumps({**done, name: result}, ensure_ascii=False, indent=1, default=str))
    return result


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)


def _database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def _check(rows: list, label: str, value: float, key: str, scale: str, note: str = "") -> None:
    target, unit, scales = TARGETS[key]
    if scale in scales:
        verdict = "达标" if value <= target else "未达标"
        rows.append(
            (label, f"{value:.2f} {unit}" if unit != "KB" else f"{value:.0f} KB", f"≤ {target:g} {unit}", verdict, note)
        )
    else:
        rows.append((label, f"{value:.2f} {unit}" if unit != "KB" else f"{value:.0f} KB", "—", "", note))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["city", "province"], default="city")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--size", type=float, default=1.0, help="a fraction of the scale (quick runs)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--db-prefix", default="sanzero_bench")
    parser.add_argument("--keep-db", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--no-excel", action="store_true", help="skip scripts/bench_excel.py")
    parser.add_argument("--output", default=str(ROOT / "var" / "bench.json"))
    parser.add_argument("--phase", default="")
    parser.add_argument("args", nargs="*")
    opts = parser.parse_args()

    if opts.phase:
        _django()
        print(json.dumps(PHASES[opts.phase](opts.args), ensure_ascii=False, default=str))
        return

    today = datetime.date.today()
    year = today.year - 1  # a whole year of entries
    root_user = "province" if opts.scale == "province" else "city"
    name = f"{opts.db_prefix}_{opts.scale}_{os.getpid()}"
    url = _database_url(opts.server, name)
    results: dict = {"scale": opts.scale, "seed": opts.seed, "size": opts.size, "year": year, "started": str(today)}
    PARTIAL.unlink(missing_ok=True)
    _admin(opts.server, f'CREATE DATABASE "{name}"')
    try:
        t = time.perf_counter()
        print(f"building the {opts.scale} in {name} …")
        b = results["build"] = run_phase("build", url, opts.scale, year, opts.seed, opts.size, today.isoformat())
        print(
            f"  {b['regions']} regions, {b['subjects']} subjects, {b['entries']} entries ({b['years'][0]}–{b['years'][-1]}) "
            f"in {time.perf_counter() - t:.0f} s: " + ", ".join(f"{k} {v:.0f} s" for k, v in b["seconds"].items())
        )
        print("snapshots …")
        s = results["snapshots"] = run_phase("snapshots", url, year)
        print(f"pages ({opts.requests} requests each) …")
        p = results["pages"] = run_phase("pages", url, opts.requests, root_user, year)
        print("committee report, incremental update …")
        r = results["report"] = run_phase("report", url, year, root_user)
        i = results["incremental"] = run_phase("incremental", url, year)
    finally:
        if opts.keep_db:
            print(f"kept: DATABASE_URL={url}")
        else:
            _admin(opts.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    e = None
    if not opts.no_excel:
        print("Excel export and import (scripts/bench_excel.py) …")
        excel_name = f"{opts.db_prefix}_excel_{os.getpid()}"
        _admin(opts.server, f'CREATE DATABASE "{excel_name}"')
        try:
            excel_json = ROOT / "var" / "bench_excel.json"
            env = {**os.environ, "DATABASE_URL": _database_url(opts.server, excel_name)}
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "scripts" / "bench_excel.py"),
                    "--ledger-rows",
                    "0",
                    "--json",
                    str(excel_json),
                ],
                env=env,
                check=True,
            )
            e = results["excel"] = json.loads(excel_json.read_text())
        finally:
            _admin(opts.server, f'DROP DATABASE IF EXISTS "{excel_name}" WITH (FORCE)')

    # --- the table -----------------------------------------------------------------------------
    rows: list[tuple] = []
    lb = s["lower_bound"]
    month_key = "month" if opts.scale == "city" else "month_province"
    note = f"{s['subject_months']} + {s['region_months']} rows"
    _check(rows, f"(a) one month {s['month']}, first", s["first"], month_key, opts.scale, note)
    _check(rows, "(a) the same month, recomputed", s["again"], month_key, opts.scale)
    rows.append(
        (
            "    lower bound: one SQL read",
            f"{lb['read']:.2f} s",
            "",
            "",
            f"{lb['verdict_rows']} verdicts, {lb['count_rows']} count rows",
        )
    )
    rows.append(
        ("    lower bound: read + write", f"{lb['read_write']:.2f} s", "", "", f"{lb['rows_written']} rows written")
    )
    worst = max(s["first"], s["again"])
    _check(rows, "    ratio to read + write", worst / lb["read_write"], "month_ratio", opts.scale)
    _check(rows, "(b) the year, 12 months", s["year"], "year", opts.scale, f"slowest month {max(s['months']):.2f} s")
    for page in p["pages"]:
        key = {"dashboard": "dashboard_p95", "list": "list_p95"}.get(page["kind"])
        label = f"(c) {page['page']} p95"
        note = f"p50 {page['p50_ms']:.0f} ms, {page['queries']} queries, {page['kb']:.0f} KB, {page['status']}"
        if key:
            _check(rows, label, page["p95_ms"], key, opts.scale, note)
        else:
            rows.append((label, f"{page['p95_ms']:.1f} ms", "", "", note))
    biggest = max(p["pages"], key=lambda x: x["kb"])
    _check(rows, f"(c) largest page ({biggest['page']})", biggest["kb"], "page_kb", opts.scale)
    _check(rows, "(d) committee report", r["seconds"], "report", opts.scale, f"{r['regions']} regions")
    if e:
        ex = e["export"]
        _check(
            rows,
            f"(d) export {ex['rows']} rows",
            ex["seconds"],
            "export",
            opts.scale,
            f"lower bound {ex['lower_bound']:.1f} s",
        )
        _check(rows, "(d) export peak memory", ex["peak_mb"], "export_mb", opts.scale)
        first_import = e["import"]["runs"][0]
        _check(
            rows,
            f"(d) import {e['import_rows']} rows",
            first_import[1],
            "import",
            opts.scale,
            f"lower bound {e['import']['lower_bound']:.1f} s",
        )
    _check(
        rows,
        "(e) incremental update",
        i["seconds"],
        "incremental",
        opts.scale,
        f"passing {i['before']} → {i['after']} in {i['township']}",
    )

    width = max(len(r[0]) for r in rows) + 2
    print()
    print(f"{'figure':{width}} {'value':>12}  {'target':>10}  {'':6} note")
    for label, value, target, verdict, note in rows:
        print(f"{label:{width}} {value:>12}  {target:>10}  {verdict:6} {note}")
    results["table"] = [dict(zip(("figure", "value", "target", "verdict", "note"), r, strict=True)) for r in rows]
    Path(opts.output).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.output).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    print(f"\nwritten: {opts.output}")


if __name__ == "__main__":
    main()
