"""`make load` (issue 13, point 7): 50 township clerks working at once against gunicorn + PostgreSQL.

    .venv/bin/python scripts/load.py [--clerks 50] [--seconds 120] [--think 5.0] [--keep]
    LOAD_SECONDS=20 make load          # shorter, while developing

Not part of `make test`. Steps, all on 127.0.0.1:
  1. a fresh PostgreSQL database (sanzero_load_<pid>, on the server of LOAD_DATABASE_URL, default
     postgresql://postgres@127.0.0.1:5432/), migrate, seed_demo, collectstatic;
  2. --clerks clerk users spread over the demo's townships (units.services.user_create, the service
     add_user uses), each with the subjects of its township;
  3. gunicorn (2 × cores + 1 sync workers, DEBUG off, the production settings) on a free port;
  4. the clerks, each an httpx client with its own session, log in through the login form and then,
     until --seconds have passed, with a think time of 0–2×--think seconds (LOAD_THINK, default 5:
     a clerk reads a page before the next) between requests: list
     disputes, list subjects, open a dispute, open a subject, open the new-dispute form and save a
     dispute whose 简要情况 carries a unique marker (LOAD-<run>-<clerk>-<n>);
  5. checks: zero errors (a status other than the expected one, a timeout, a refused connection, a
     save that did not land on the new dispute's page) and every dispute the site said it saved is
     in the database, once, with its marker; prints p50/p95/p99 per kind of request and writes
     var/load.json;
  6. stops gunicorn and drops the database (--keep keeps it).
Exit status 0 only when there were no errors and nothing is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("SANZERO_VAR_DIR", ROOT / "var"))
PASSWORD = "Load-Test-2026!"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# -- setup (in a Django process of its own) ---------------------------------------------------------


def prepare_main(clerks: int, output: str) -> None:
    """Create the clerks over the townships; write {username: [subject ids of its township]}."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db.models import Q
    from django.utils import timezone

    from sanzero.roles import Role
    from units.models import Region, RegionLevel, Subject
    from units.services import user_create

    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    if not townships:
        raise SystemExit("演示数据中没有乡镇(街道)。")
    today = timezone.localdate()
    plan = {}
    for i in range(clerks):
        town = townships[i % len(townships)]
        username = f"load_clerk_{i + 1:02d}"
        user_create(
            actor=None,
            username=username,
            role=Role.CLERK,
            region_codes=[town.code],
            password=PASSWORD,
            full_name=f"{town.name} 压测{i + 1:02d}",
        )
        subjects = list(
            Subject.objects.filter(region__code__startswith=town.code[:9], left_on__isnull=True)
            .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=today))
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        plan[username] = {"township": town.name, "subjects": subjects}
    Path(output).write_text(json.dumps(plan, ensure_ascii=False))


# -- the database and the server --------------------------------------------------------------------


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _step(label: str, cmd: list[str], env: dict) -> None:
    started = time.perf_counter()
    print(f"  {label} ……", end="", flush=True)
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        print()
        raise SystemExit(f"{label} 失败：\n{(run.stderr or run.stdout)[-3000:]}")
    print(f" {time.perf_counter() - started:.0f} 秒", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    out = log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--timeout=60",
            "--access-logfile=-",
            "--access-logformat=%(m)s %(U)s %(s)s %(L)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn 退出了，见 {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"gunicorn 60 秒内没有应答 /healthz，见 {log}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# -- the simulated clerks ---------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.created: dict[str, int] = {}  # marker → the id the site answered with

    def record(self, kind: str, seconds: float) -> None:
        self.latencies[kind].append(seconds)

    def error(self, clerk: str, kind: str, what: str) -> None:
        self.errors.append(f"{clerk} {kind}: {what}")


async def clerk_session(base: str, username: str, subjects: list[int], run_id: str, stats: Stats, opts) -> None:
    import httpx

    rng = random.Random(username)
    deadline = opts.deadline
    n = 0
    async with httpx.AsyncClient(base_url=base, timeout=30.0, follow_redirects=False) as client:

        async def request(kind: str, method: str, url: str, expect: int, **kw):
            started = time.perf_counter()
            try:
                response = await client.request(method, url, **kw)
            except httpx.HTTPError as exc:
                stats.record(kind, time.perf_counter() - started)
                stats.error(username, kind, f"{url}: {type(exc).__name__} {exc}")
                return None
            stats.record(kind, time.perf_counter() - started)
            if response.status_code != expect:
                stats.error(username, kind, f"{method} {url}: {response.status_code}, expected {expect}")
                return None
            return response

        # Logins spread over the first quarter of the run (at most 30 s), as a morning's do: a login
        # costs a PBKDF2 hash (Django's default iterations), by far the dearest request.
        await asyncio.sleep(rng.uniform(0, min(30.0, opts.seconds / 4)))
        page = await request("login_form", "GET", "/accounts/login/", 200)
        if page is None:
            return
        token = CSRF.search(page.text).group(1)
        done = await request(
            "login",
            "POST",
            "/accounts/login/",
            302,
            data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
            headers={"Referer": base + "/accounts/login/"},
        )
        if done is None:
            return
        seen_disputes: list[str] = []
        seen_subjects: list[str] = []
        actions = ["list_disputes", "list_subjects", "open_dispute", "open_subject", "create_dispute"]
        weights = [3, 2, 3, 2, 2]
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(0, 2 * opts.think))
            if time.monotonic() >= deadline:
                break
            action = rng.choices(actions, weights)[0]
            if action == "list_disputes":
                r = await request(action, "GET", "/disputes/", 200)
                if r is not None:
                    seen_disputes = re.findall(r'href="(/disputes/\d+/)"', r.text) or seen_disputes
            elif action == "list_subjects":
                r = await request(action, "GET", "/subjects/", 200)
                if r is not None:
                    seen_subjects = re.findall(r'href="(/subjects/\d+/)"', r.text) or seen_subjects
            elif action == "open_dispute" and seen_disputes:
                await request(action, "GET", rng.choice(seen_disputes), 200)
            elif action == "open_subject" and seen_subjects:
                await request(action, "GET", rng.choice(seen_subjects), 200)
            elif action == "create_dispute" and subjects:
                form = await request("new_dispute_form", "GET", "/disputes/new/", 200)
                if form is None:
                    continue
                n += 1
                marker = f"LOAD-{run_id}-{username}-{n:04d}"
                hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.text))
                data = {
                    **hidden,
                    "subject": str(rng.choice(subjects)),
                    "found_on": time.strftime("%Y-%m-%d"),
                    "category": "邻里纠纷",
                    "source": "网格排查",
                    "risk_colour": "蓝",
                    "people_count": "2",
                    "parties": "压测甲、压测乙",
                    "summary": f"{marker} 压测登记的邻里纠纷",
                }
                await asyncio.sleep(rng.uniform(0, opts.think))  # typing
                r = await request(
                    "create_dispute",
                    "POST",
                    "/disputes/new/",
                    302,
                    data=data,
                    headers={"Referer": base + "/disputes/new/"},
                )
                if r is None:
                    continue
                match = re.fullmatch(r"/disputes/(\d+)/", r.headers.get("Location", ""))
                if not match:
                    stats.error(username, "create_dispute", f"saved to {r.headers.get('Location')!r}")
                    continue
                stats.created[marker] = int(match.group(1))
                seen_disputes.append(match.group(0))


async def run_clerks(base: str, plan: dict, run_id: str, opts) -> Stats:
    stats = Stats()
    opts.deadline = time.monotonic() + opts.seconds
    await asyncio.gather(*(clerk_session(base, u, p["subjects"], run_id, stats, opts) for u, p in plan.items()))
    return stats


# -- report -----------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    ordered = sorted(values)
    rank = math.ceil(q * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def summarise(stats: Stats, seconds: float) -> dict:
    kinds = {}
    for kind, values in sorted(stats.latencies.items()):
        kinds[kind] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
        }
    total = sum(len(v) for v in stats.latencies.values())
    return {"requests": total, "requests_per_second": round(total / seconds, 1), "kinds": kinds}


def verify(url: str, run_id: str, created: dict[str, int]) -> list[str]:
    """Every dispute the site answered as saved is in the database, once, under the id it gave."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id, summary FROM disputes_dispute WHERE summary LIKE %s", [f"LOAD-{run_id}-%"]
        ).fetchall()
    found: dict[str, list[int]] = defaultdict(list)
    for pk, summary in rows:
        found[summary.split(" ", 1)[0]].append(pk)
    problems = []
    for marker, pk in sorted(created.items()):
        if found.get(marker) != [pk]:
            problems.append(f"{marker}: 网站回答已保存为 #{pk}，数据库中为 {found.get(marker)}")
    for marker in sorted(set(found) - set(created)):
        problems.append(f"{marker}: 数据库中有，但网站没有回答已保存")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="压测：多名乡镇录入员同时登录、浏览和登记（gunicorn + PostgreSQL）。")
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", "120")))
    parser.add_argument(
        "--think",
        type=float,
        default=float(os.environ.get("LOAD_THINK", "5.0")),
        help="平均思考时间（秒）：每次请求前等待 0–2 倍",
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--keep", action="store_true", help="保留压测数据库")
    parser.add_argument("--prepare", default="", help=argparse.SUPPRESS)  # the child process: users
    opts = parser.parse_args(argv)
    if opts.prepare:
        prepare_main(opts.clerks, opts.prepare)
        return 0
    if not 1 <= opts.clerks <= 500 or not 1 <= opts.seconds <= 3600 or opts.think < 0:
        parser.error("--clerks 应在1–500之间，--seconds 在1–3600之间，--think 不小于0。")

    run_id = f"{os.getpid()}"
    server = os.environ.get("LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    db_name = f"sanzero_load_{run_id}"
    url = _with_db(server, db_name)
    var = VAR / "load"
    var.mkdir(parents=True, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DEBUG", "SQLITE_PATH", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        SANZERO_VAR_DIR=str(var),
        SECURE_COOKIES="0",  # plain http on 127.0.0.1: a Secure session cookie would never come back
        LOG_LEVEL="WARNING",
    )
    print(f"压测数据库 {db_name}：", flush=True)
    _admin(server, f'DROP DATABASE IF EXISTS "{db_name}"')
    _admin(server, f'CREATE DATABASE "{db_name}"')
    proc = None
    try:
        py = sys.executable
        _step("migrate", [py, "manage.py", "migrate", "--noinput", "-v0"], env)
        _step("seed_demo", [py, "manage.py", "seed_demo"], env)
        _step("collectstatic", [py, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        plan_file = var / "clerks.json"
        _step(f"{opts.clerks} 名录入员", [py, __file__, "--clerks", str(opts.clerks), "--prepare", str(plan_file)], env)
        plan = json.loads(plan_file.read_text())
        port = _free_port()
        proc = start_gunicorn(env, port, opts.workers, var / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        print(
            f"  gunicorn {opts.workers} 个工作进程，{base}；{opts.clerks} 名录入员，{opts.seconds:.0f} 秒 ……",
            flush=True,
        )
        started = time.perf_counter()
        stats = asyncio.run(run_clerks(base, plan, run_id, opts))
        elapsed = time.perf_counter() - started
        stop(proc)
        proc = None
        missing = verify(url, run_id, stats.created)
    finally:
        if proc is not None:
            stop(proc)
        if not opts.keep:
            _admin(server, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')

    summary = summarise(stats, elapsed)
    result = {
        "clerks": opts.clerks,
        "seconds": round(elapsed, 1),
        "think_seconds": opts.think,
        "gunicorn_workers": opts.workers,
        "cores": os.cpu_count(),
        # What else the machine was doing: a shared 2-core machine makes every figure above slower.
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        **summary,
        "errors": len(stats.errors),
        "error_samples": stats.errors[:20],
        "disputes_created": len(stats.created),
        "disputes_missing": missing,
    }
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))

    print(
        f"\n{opts.clerks} 名录入员 {elapsed:.0f} 秒：{summary['requests']} 个请求（{summary['requests_per_second']}/秒）"
    )
    print(f"{'请求':<18}{'次数':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, k in summary["kinds"].items():
        print(f"{kind:<18}{k['requests']:>7}{k['p50_ms']:>10}{k['p95_ms']:>10}{k['p99_ms']:>10}{k['max_ms']:>10}")
    print(f"机器负载（1/5/15 分钟）：{result['load_average_after']}，{os.cpu_count()} 核")
    print(f"新登记矛盾纠纷 {len(stats.created)} 条，数据库中缺失或不符 {len(missing)} 条；错误 {len(stats.errors)} 个")
    print(f"结果已写入 {VAR / 'load.json'}")
    for line in stats.errors[:20] + missing[:20]:
        print(f"  - {line}", file=sys.stderr)
    ok = not stats.errors and not missing and stats.created
    print("压测通过。" if ok else "压测未通过。", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
