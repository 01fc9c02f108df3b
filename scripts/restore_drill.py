"""Backup and restore drill (docs/backup.md): dump a database, restore it into a fresh one, prove the
copy is the same, and say how long the restore took.

    .venv/bin/python scripts/restore_drill.py [--source URL] [--month YYYY-MM] [--region CODE] [--keep]
    .venv/bin/python scripts/restore_drill.py --demo            # `make restore-drill`
    .venv/bin/python scripts/restore_drill.py --sqlite var/sanzero.sqlite3

PostgreSQL (the source is --source, else DATABASE_URL; --demo builds one: migrate + seed_demo):
  1. pg_dump --format=custom of the source into var/backups/ (the documented backup command);
  2. a fresh database <source>_restore_<pid>, pg_restore --exit-on-error into it (timed: the restore time);
  3. checks, each a failure when it differs:
     - the row count of every table of the public schema, source against copy;
     - every sequence's last value (a restored copy must not hand out an id that is already used);
     - one month's committee-report figures, computed with the project's own report builder
       (reports.builder) in a process of its own against each database: the snapshot figures of the
       region and its children, and every cell of the four sheets of the .xlsx;
  4. prints the timings, writes var/restore_drill.json, drops the copy (and a --demo source).
SQLite (the embedded default): the same with sqlite3's online backup API (what `.backup` does).

Exit status 0 only when everything matched. --drop-row TABLE deletes one row of TABLE from the copy
before the checks: the drill's own test uses it to show that the drill notices a lost row.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("SANZERO_VAR_DIR", ROOT / "var"))


class DrillError(Exception):
    pass


# -- the figures, in a process of its own per database ----------------------------------------------


def figures_main(month: str, region: str) -> None:
    """Print, as JSON, what the committee report of `month` says for `region` (default: the root),
    read with the project's own builder from the database of this process's environment."""
    import datetime
    import io
    from dataclasses import asdict

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import openpyxl

    from dashboards.models import RegionMonth
    from reports.builder import build_report, load_report_data
    from units.models import Region

    if not month:
        latest = RegionMonth.objects.order_by("-month").values_list("month", flat=True).first()
        if latest is None:
            raise SystemExit("该数据库没有任何月度快照，无法比较报表数字。")
        month = f"{latest:%Y-%m}"
    day = datetime.datetime.strptime(month, "%Y-%m").date()
    root = Region.objects.filter(code=region).first() if region else Region.objects.filter(parent=None).first()
    if root is None:
        raise SystemExit(f"区划“{region or '（根区划）'}”不存在。")
    data = load_report_data(user_or_none=None, region=root, month=day)
    codes = {r.pk: r.code for r in data.regions}
    figures = {
        f"{codes[pk]}|{group}|{period}": {k: None if v is None else str(v) for k, v in asdict(f).items()}
        for (pk, group, period), f in sorted(data.rows.items())
    }
    buffer = io.BytesIO()
    build_report(user_or_none=None, region=root, month=day, stream_or_path=buffer, today=datetime.date(2000, 1, 1))
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheets = {ws.title: [[_cell(c) for c in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    total = data.get(root, "all")
    print(
        json.dumps(
            {
                "month": month,
                "region": root.code,
                "region_name": root.name,
                "subjects": total.total if total else 0,
                "passed": total.passed if total else 0,
                "figures": figures,
                "sheets": sheets,
            },
            ensure_ascii=False,
        )
    )


def _cell(value):
    return value if value is None or isinstance(value, (int, float, str, bool)) else str(value)


def report_figures(env: dict, month: str, region: str) -> dict:
    run = subprocess.run(
        [sys.executable, __file__, "--figures", "--month", month, "--region", region],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if run.returncode != 0:
        raise DrillError(f"报表数字读取失败：{run.stderr.strip()[-2000:] or run.stdout.strip()[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _base_env() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)  # the builder reads the database only; tasks stay in-process
    return env


# -- PostgreSQL -------------------------------------------------------------------------------------


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _db_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise DrillError(f"数据库地址“{url}”没有数据库名。")
    return name


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pg_counts(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """(rows per table of the public schema, last value per sequence)."""
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        counts = {t: conn.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0] for t in tables}
        sequences = {
            name: value or 0
            for name, value in conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        }
    return counts, sequences


def _drop_one_row(url: str, table: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")  # a lost row, whatever points at it
        conn.execute(f"DELETE FROM {_quote(table)} WHERE ctid = (SELECT ctid FROM {_quote(table)} LIMIT 1)")


def _run(cmd: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise DrillError(f"{cmd[0]} 失败（退出码 {run.returncode}）：{(run.stderr or run.stdout).strip()[-2000:]}")
    return time.perf_counter() - started


def build_demo_source(url: str) -> None:
    """A fresh database with the demo county (migrate + seed_demo, which computes a year of snapshots)."""
    name = _db_name(url)
    _admin(url, f"DROP DATABASE IF EXISTS {_quote(name)}")
    _admin(url, f"CREATE DATABASE {_quote(name)}")
    env = {**_base_env(), "DATABASE_URL": url}
    print(f"演示源库 {name}：migrate + seed_demo ……", flush=True)
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    _run([sys.executable, "manage.py", "seed_demo"], env)


def drill_postgres(source: str, *, month: str, region: str, keep: bool, drop_row: str) -> dict:
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            raise DrillError(f"找不到 {tool}（apt-get install postgresql-client）。")
    name = _db_name(source)
    target_name = f"{name}_restore_{os.getpid()}"[:63]
    target = _with_db(source, target_name)
    backups = VAR / "backups"
    backups.mkdir(parents=True, exist_ok=True)
    dump = backups / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.dump"
    result: dict = {"engine": "postgresql", "source": name, "target": target_name, "dump": str(dump)}
    try:
        # The documented backup command (docs/backup.md): custom format, no owner or grants in the file.
        result["dump_seconds"] = _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}", source]
        )
        result["dump_bytes"] = dump.stat().st_size
        _admin(source, f"DROP DATABASE IF EXISTS {_quote(target_name)}")
        _admin(source, f"CREATE DATABASE {_quote(target_name)}")
        result["restore_seconds"] = _run(
            ["pg_restore", "--exit-on-error", "--no-owner", "--no-privileges", f"--dbname={target}", str(dump)]
        )
        if drop_row:
            _drop_one_row(target, drop_row)
        result.update(
            compare(
                source_env={"DATABASE_URL": source},
                target_env={"DATABASE_URL": target},
                month=month,
                region=region,
                counts=pg_counts,
            )
        )
    finally:
        if not keep:
            _admin(source, f"DROP DATABASE IF EXISTS {_quote(target_name)} WITH (FORCE)")
            dump.unlink(missing_ok=True)
    return result


# -- SQLite -----------------------------------------------------------------------------------------


def sqlite_counts(path: str) -> tuple[dict[str, int], dict[str, int]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {t: conn.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0] for t in tables}
        sequences = dict(conn.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name").fetchall())
    finally:
        conn.close()
    return counts, sequences


def drill_sqlite(source: str, *, month: str, region: str, keep: bool, drop_row: str) -> dict:
    if not Path(source).is_file():
        raise DrillError(f"SQLite 数据库文件“{source}”不存在。")
    work = Path(tempfile.mkdtemp(prefix="sanzero-drill-"))
    backup, restored = work / "backup.sqlite3", work / "restored.sqlite3"
    result: dict = {"engine": "sqlite", "source": source, "target": str(restored)}
    try:
        started = time.perf_counter()
        src, dst = sqlite3.connect(source), sqlite3.connect(backup)
        with dst:
            src.backup(dst)  # what the sqlite3 shell's `.backup` does: a consistent copy of a live database
        src.close()
        dst.close()
        result["dump_seconds"] = time.perf_counter() - started
        result["dump_bytes"] = backup.stat().st_size
        started = time.perf_counter()
        shutil.copyfile(backup, restored)  # restoring is putting the file back (docs/backup.md)
        check = sqlite3.connect(restored)
        ok = check.execute("PRAGMA integrity_check").fetchone()[0]
        check.close()
        result["restore_seconds"] = time.perf_counter() - started
        if ok != "ok":
            raise DrillError(f"恢复后的 SQLite 文件未通过 integrity_check：{ok}")
        if drop_row:
            conn = sqlite3.connect(restored)
            with conn:
                conn.execute(
                    f"DELETE FROM {_quote(drop_row)} WHERE rowid = (SELECT rowid FROM {_quote(drop_row)} LIMIT 1)"
                )
            conn.close()
        result.update(
            compare(
                source_env={"SQLITE_PATH": source},
                target_env={"SQLITE_PATH": str(restored)},
                month=month,
                region=region,
                counts=sqlite_counts,
            )
        )
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return result


# -- the checks -------------------------------------------------------------------------------------


def compare(*, source_env: dict, target_env: dict, month: str, region: str, counts) -> dict:
    def env_of(extra: dict) -> dict:
        env = _base_env()
        env.pop("DATABASE_URL", None)
        env.pop("SQLITE_PATH", None)
        return {**env, **extra}

    where = next(iter(source_env.values())), next(iter(target_env.values()))
    (src_counts, src_seq), (dst_counts, dst_seq) = counts(where[0]), counts(where[1])
    problems = []
    for table in sorted(set(src_counts) | set(dst_counts)):
        a, b = src_counts.get(table), dst_counts.get(table)
        if a != b:
            problems.append(f"表 {table}：源库 {a} 行，恢复库 {b} 行")
    for seq in sorted(set(src_seq) | set(dst_seq)):
        if src_seq.get(seq) != dst_seq.get(seq):
            problems.append(f"序列 {seq}：源库 {src_seq.get(seq)}，恢复库 {dst_seq.get(seq)}")
    src_report = report_figures(env_of(source_env), month, region)
    dst_report = report_figures(env_of(target_env), src_report["month"], src_report["region"])
    if src_report["figures"] != dst_report["figures"]:
        differing = [k for k in src_report["figures"] if src_report["figures"][k] != dst_report["figures"].get(k)]
        problems.append(f"报表快照数字不同：{', '.join(differing[:10]) or '行数不同'}")
    for sheet, rows in src_report["sheets"].items():
        if dst_report["sheets"].get(sheet) != rows:
            problems.append(f"报表工作表“{sheet}”的单元格不同")
    result = {
        "tables": len(src_counts),
        "rows": sum(src_counts.values()),
        "sequences": len(src_seq),
        "report_month": src_report["month"],
        "report_region": f"{src_report['region']} {src_report['region_name']}",
        "report_subjects": src_report["subjects"],
        "report_passed": src_report["passed"],
        "report_figures": len(src_report["figures"]),
        "report_cells": sum(len(r) for rows in src_report["sheets"].values() for r in rows),
        "problems": problems,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="备份恢复演练：转储、恢复到新库、核对表行数和一个月的报表数字。")
    parser.add_argument("--source", default="", help="PostgreSQL 源库地址（默认 DATABASE_URL）")
    parser.add_argument("--sqlite", default="", help="SQLite 源库文件（嵌入式默认库）")
    parser.add_argument("--demo", action="store_true", help="新建演示源库（migrate + seed_demo），演练后删除")
    parser.add_argument("--month", default="", help="核对报表的月份 YYYY-MM（默认：最近一个有快照的月份）")
    parser.add_argument("--region", default="", help="核对报表的区划代码（默认：根区划）")
    parser.add_argument("--keep", action="store_true", help="保留恢复出的库和转储文件")
    parser.add_argument("--drop-row", default="", help=argparse.SUPPRESS)  # the drill's own test
    parser.add_argument("--figures", action="store_true", help=argparse.SUPPRESS)  # the child process
    opts = parser.parse_args(argv)
    if opts.figures:
        figures_main(opts.month, opts.region)
        return 0
    if opts.month:
        try:
            time.strptime(opts.month, "%Y-%m")
        except ValueError:
            parser.error(f"月份“{opts.month}”格式不正确，应为YYYY-MM。")

    demo_url = ""
    try:
        if opts.sqlite:
            result = drill_sqlite(
                opts.sqlite, month=opts.month, region=opts.region, keep=opts.keep, drop_row=opts.drop_row
            )
        else:
            source = opts.source or os.environ.get("DATABASE_URL", "")
            if opts.demo:
                base = source or "postgresql://postgres@127.0.0.1:5432/postgres"
                demo_url = source = _with_db(base, f"sanzero_drill_{os.getpid()}")
                build_demo_source(demo_url)
            if not source:
                parser.error("请用 --source 或 DATABASE_URL 指定 PostgreSQL 源库，或用 --sqlite / --demo。")
            result = drill_postgres(
                source, month=opts.month, region=opts.region, keep=opts.keep, drop_row=opts.drop_row
            )
    except DrillError as exc:
        print(f"演练失败：{exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a database error (psycopg), said in one line
        print(f"演练失败：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    finally:
        if demo_url and not opts.keep:
            _admin(demo_url, f"DROP DATABASE IF EXISTS {_quote(_db_name(demo_url))} WITH (FORCE)")

    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "restore_drill.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"源库 {result['source']} → 恢复库 {result['target']}（{result['engine']}）")
    print(f"  转储 {result['dump_seconds']:.2f} 秒，{result['dump_bytes'] / 1024 / 1024:.1f} MB")
    print(f"  恢复耗时 {result['restore_seconds']:.2f} 秒")
    print(f"  核对 {result['tables']} 张表、{result['rows']} 行、{result['sequences']} 个序列")
    print(
        f"  报表 {result['report_region']} {result['report_month']}：主体 {result['report_subjects']}，"
        f"三零达标 {result['report_passed']}；{result['report_figures']} 组快照数字，{result['report_cells']} 个单元格"
    )
    if result["problems"]:
        print("演练失败，恢复库与源库不一致：", file=sys.stderr)
        for p in result["problems"]:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print("演练通过：恢复库与源库的表行数、序列和报表数字完全一致。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
