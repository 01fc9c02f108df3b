"""Excel in and out at scale: time and peak memory of a 60,000-row subject export and a 10,000-row
subject import, each beside a lower bound measured in the same run.

    .venv/bin/python scripts/bench_excel.py [--export-rows 60000] [--import-rows 10000] [--keep DIR]

Runs in a throwaway data directory (SQLite unless DATABASE_URL is set: then that database is used
and must be empty). Each phase is its own process so that its peak memory (ru_maxrss) is its own.

- export: the background job of the subject list for the county user (the path a real 导出Excel of
  more than 2,000 rows takes); lower bound: reading the same rows and columns without writing a file.
- import: `import_xlsx subjects` of a file of new subjects, then the same file again (must change
  nothing); lower bound: reading the same file's cells with openpyxl in read-only mode. The same for
  a file of resolved disputes (a ledger: rows are checked and written one by one).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_setup(export_rows: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from units.models import Category, Region, Subject

    villages = list(Region.objects.filter(level__in=["village", "community"]).order_by("code"))
    enterprise = Category.objects.get(name="企业")
    missing = export_rows - Subject.objects.count()
    batch = []
    for i in range(max(0, missing)):
        batch.append(
            Subject(
                name=f"压测企业{i:06d}",
                category=enterprise,
                region=villages[i % len(villages)],
                responsible_person="张三",
                phone="13800138000",
                address=f"青石县测试路{i}号",
            )
        )
        if len(batch) == 5000:
            Subject.objects.bulk_create(batch)
            batch.clear()
    Subject.objects.bulk_create(batch)
    return {"subjects": Subject.objects.count()}


def phase_export() -> dict:
    from django.contrib.auth import get_user_model

    from sanzero.exporting import services
    from sanzero.models import ExportJob

    county = get_user_model().objects.get(username="county")
    view = services.list_view_for("units:subject_list", county, "")
    queryset = view.export_queryset()
    ctx = services.export_context(county)

    started = time.perf_counter()
    fetched = sum(1 for _ in services.iter_rows(queryset, view.export_columns, ctx))
    lower = time.perf_counter() - started

    job = ExportJob.objects.create(user=county, kind="units:subject_list", query="", label="压测")
    started = time.perf_counter()
    job = services.export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    assert job.status == "done", job.message
    return {
        "rows": job.row_count,
        "fetched": fetched,
        "seconds": seconds,
        "lower_bound": lower,
        "bytes": job.file.size,
        "peak_mb": _peak_mb(),
    }


def phase_make_import(path: str, rows: int) -> dict:
    from openpyxl import Workbook

    from sanzero.importing.base import get_kind
    from units.models import Region

    villages = list(Region.objects.filter(level__in=["village", "community"]).values_list("code", flat=True))
    headers = get_kind("subjects").spec().headers
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("创建主体")
    ws.append(headers)
    import datetime

    for i in range(rows):
        values = {
            "主体名称": f"导入压测主体{i:05d}",
            "主体类别": "企业",
            "所属区划代码": villages[i % len(villages)],
            "负责人": "李四",
            "联系电话": "13900139000",
            "地址": f"青石县导入路{i}号",
            "纳入日期": datetime.date(2026, 1, 1) if i % 2 else "2026-01-01",
        }
        ws.append([values.get(h) for h in headers])
    wb.save(path)
    return {"rows": rows, "bytes": os.path.getsize(path)}


def phase_make_disputes(path: str, rows: int) -> dict:
    import datetime

    from openpyxl import Workbook

    from sanzero.importing.base import get_kind
    from units.models import Subject

    subjects = list(Subject.objects.filter(village_region__isnull=False).values_list("region__code", "name"))
    headers = get_kind("disputes").spec().headers
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("矛盾纠纷")
    ws.append(headers)
    for i in range(rows):
        code, name = subjects[i % len(subjects)]
        values = {
            "所属区划代码": code,
            "主体名称": name,
            "登记日期": datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 300),
            "纠纷类别": "邻里纠纷",
            "简要情况": f"压测纠纷{i:05d}",
            "状态": "已化解",
            "化解日期": datetime.date(2025, 12, 31),
            "协议内容": "双方达成和解，当场履行",
        }
        ws.append([values.get(h) for h in headers])
    wb.save(path)
    return {"rows": rows, "bytes": os.path.getsize(path)}


def phase_import(path: str, kind: str = "subjects") -> dict:
    from django.core.management import call_command
    from openpyxl import load_workbook

    started = time.perf_counter()
    wb = load_workbook(path, read_only=True)
    cells = sum(len(row) for row in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    lower = time.perf_counter() - started

    out = []
    for label in ("first", "again"):
        started = time.perf_counter()
        from io import StringIO

        buffer = StringIO()
        call_command("import_xlsx", kind, path, stdout=buffer)
        out.append((label, time.perf_counter() - started, buffer.getvalue().strip()))
    return {"cells": cells, "lower_bound": lower, "runs": out, "peak_mb": _peak_mb()}


def run_phase(name: str, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--phase", name, *args], capture_output=True, text=True, env=os.environ
    )
    if proc.returncode:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--export-rows", type=int, default=60000)
    parser.add_argument("--import-rows", type=int, default=10000)
    parser.add_argument("--ledger-rows", type=int, default=5000)
    parser.add_argument("--keep", default="")
    parser.add_argument("--json", default="", help="also write the figures to this file (scripts/bench.py reads it)")
    parser.add_argument("--phase", default="")
    parser.add_argument("args", nargs="*")
    opts = parser.parse_args()

    if opts.phase:
        _django()
        result = {
            "setup": lambda: phase_setup(int(opts.args[0])),
            "export": phase_export,
            "make_import": lambda: phase_make_import(opts.args[0], int(opts.args[1])),
            "make_disputes": lambda: phase_make_disputes(opts.args[0], int(opts.args[1])),
            "import": lambda: phase_import(*opts.args),
        }[opts.phase]()
        print(json.dumps(result, ensure_ascii=False))
        return

    workdir = Path(opts.keep or tempfile.mkdtemp(prefix="sanzero-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["SANZERO_VAR_DIR"] = str(workdir)
    os.environ.pop("REDIS_URL", None)  # tasks in-process: the figures are the work, not the queue
    try:
        started = time.perf_counter()
        setup = run_phase("setup", str(opts.export_rows))
        print(f"setup: {setup['subjects']} subjects in {time.perf_counter() - started:.0f} s")

        e = run_phase("export")
        results = {"subjects": setup["subjects"], "export": e, "import_rows": opts.import_rows}
        print(
            f"export {e['rows']} subjects: {e['seconds']:.1f} s "
            f"(lower bound, reading the rows: {e['lower_bound']:.1f} s, ratio {e['seconds'] / e['lower_bound']:.1f}); "
            f"file {e['bytes'] / 1e6:.1f} MB; peak memory {e['peak_mb']:.0f} MB"
        )

        path = str(workdir / "subjects-import.xlsx")
        made = run_phase("make_import", path, str(opts.import_rows))
        i = run_phase("import", path)
        results["import"] = i
        for label, seconds, message in i["runs"]:
            print(
                f"import {made['rows']} subjects ({label}): {seconds:.1f} s "
                f"(lower bound, reading the cells: {i['lower_bound']:.1f} s, ratio {seconds / i['lower_bound']:.1f}) "
                f"— {message}"
            )
        print(f"import peak memory {i['peak_mb']:.0f} MB; file {made['bytes'] / 1e6:.1f} MB")

        if opts.ledger_rows:
            path = str(workdir / "disputes-import.xlsx")
            made = run_phase("make_disputes", path, str(opts.ledger_rows))
            d = run_phase("import", path, "disputes")
            results["ledger_import"], results["ledger_rows"] = d, opts.ledger_rows
            for label, seconds, message in d["runs"]:
                print(
                    f"import {made['rows']} disputes ({label}): {seconds:.1f} s "
                    f"(lower bound, reading the cells: {d['lower_bound']:.1f} s, ratio {seconds / d['lower_bound']:.1f}) "
                    f"— {message}"
                )
        if opts.json:
            Path(opts.json).parent.mkdir(parents=True, exist_ok=True)
            Path(opts.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    finally:
        if not opts.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
