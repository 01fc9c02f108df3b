"""EXPLAIN ANALYZE of the heaviest queries of the list pages, as the root region's user sees them, in
the configured PostgreSQL database (a city or province from ``seed_demo --scale``). Writes Markdown.

    DATABASE_URL=postgresql://... .venv/bin/python scripts/query_plans.py [--user city] [--output docs/query-plans.md]

Each page is requested once through Django's test client (warm), its SQL statements are captured with
their parameters, and the ``--top`` slowest of each page are explained (ANALYZE, BUFFERS).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/subjects/",
    "/subjects/?sort=name",
    "/disputes/",
    "/disputes/?status=调解中",
    "/hazards/?status=整改中",
    "/petitions/",
    "/cases/",
    "/accidents/",
    "/places/",
    "/supervision/",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="city")
    parser.add_argument("--top", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "docs" / "query-plans.md"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from units.models import Subject

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    out = [
        "# Query plans of the list pages\n",
        f"Written by `scripts/query_plans.py` as `{args.user}` (scope: the whole root region) on a database of "
        f"{Subject.objects.count():,} subjects, PostgreSQL {connection.pg_version // 10000}. For each page, its "
        f"{args.top} slowest statements with `EXPLAIN (ANALYZE, BUFFERS)`. Parameters are inlined by the driver.\n",
    ]
    for url in PAGES:
        client.get(url + ("&" if "?" in url else "?") + "reset_filters=1")
        client.get(url)
        captured = []

        def timed(execute, sql, params, many, context, captured=captured):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                captured.append((time.perf_counter() - started, sql, params))

        with connection.execute_wrapper(timed):
            started = time.perf_counter()
            response = client.get(url)
            total = time.perf_counter() - started
        out.append(
            f"\n## `{url}`\n\n{response.status_code}, {len(response.content) / 1024:.0f} KB, {len(captured)} queries, "
            f"{total * 1000:.0f} ms in all, {sum(c[0] for c in captured) * 1000:.0f} ms in SQL.\n"
        )
        explainable = [c for c in captured if c[1].lstrip().upper().startswith("SELECT")]
        for seconds, sql, params in sorted(explainable, key=lambda c: c[0], reverse=True)[: args.top]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.append(f"\n{seconds * 1000:.1f} ms:\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n")
        print(f"{url}: {total * 1000:.0f} ms, {len(captured)} queries")
    Path(args.output).write_text("".join(out))
    print(f"written: {args.output}")


if __name__ == "__main__":
    main()
