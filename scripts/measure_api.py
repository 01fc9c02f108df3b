"""Server time (p50/p95) of every read-API endpoint, and the 一张图's size, in the configured database
(the city fixture of scripts/city_fixture.py), for the given users.

    DATABASE_URL=postgresql://... .venv/bin/python scripts/measure_api.py [--users city clerk] [--repeat 20]

Requests go through Django's test client in this process (no network): the time is Django's answer,
serialisation included. A first page (100 rows) of each list, then pages further on (following
``next``), a detail of each kind, the schema. Tokens are created for the users and revoked at the end;
the rate limit is lifted for the run. Writes var/api.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", nargs="+", default=["city", "clerk"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--output", default=str(ROOT / "var" / "api.json"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from api.services import api_token_create, api_token_revoke
    from dashboards.models import SubjectMonth
    from units.models import Subject
    from units.selectors import default_region_for

    if connection.vendor == "postgresql":
        # fresh bulk-loaded tables (city_fixture.py) have no planner statistics until autovacuum runs:
        # without them PostgreSQL picks nested loops over the region join and lists take seconds
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.API_THROTTLE_RATE = "100000/min"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    for username in args.users:
        user = get_user_model().objects.get(username=username)
        token, key = api_token_create(actor=None, user=user, name="measure_api")
        client = Client(headers={"Authorization": f"Bearer {key}"})
        subject = Subject.objects.for_user(user).order_by("pk").first()
        region = default_region_for(user)
        month = SubjectMonth.objects.for_user(user).order_by("-month").values_list("month", flat=True).first()
        month_q = f"month={month:%Y-%m}" if month else ""
        urls = [
            "/api/v1/regions/",
            f"/api/v1/regions/{region.code}/",
            "/api/v1/subjects/",
            f"/api/v1/subjects/?region={region.code}&group=unit",
            f"/api/v1/subjects/{subject.pk}/",
            f"/api/v1/snapshots/?{month_q}",
            f"/api/v1/snapshots/?{month_q}&level=township&period=ytd",
            f"/api/v1/snapshots/subjects/?{month_q}",
            f"/api/v1/snapshots/subjects/?{month_q}&passed=false",
            f"/api/v1/ledger-statistics/?{month_q}",
            "/api/v1/ledgers/",
            "/api/v1/ledgers/disputes/",
            "/api/v1/ledgers/hazards/?open=true",
            "/api/v1/ledgers/petitions/",
            "/api/v1/ledgers/cases/",
            "/api/v1/schema/",
        ]
        # a page deep into the subjects and the dispute entries (cursor: as fast as the first?)
        for start in ("/api/v1/subjects/?page_size=1000", "/api/v1/ledgers/disputes/?page_size=100"):
            url = start
            for _ in range(5):
                nxt = client.get(url).json().get("next")
                if not nxt:
                    break
                url = nxt.replace("http://testserver", "")
            urls.append(url)
        for url in urls:
            client.get(url)  # warm-up
            times, size, status = [], 0, None
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                size, status = len(response.content), response.status_code
            times.sort()
            row = {
                "user": username,
                "url": url,
                "status": status,
                "bytes": size,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            }
            results.append(row)
            print(f"{username:<8} {status} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} ms {size:>9,} B  {url[:110]}")
        # the 一张图 for the user's own region: the page and its data
        web = Client()
        web.force_login(user)
        for url in ("/map/", f"/map/data/?region={region.code}"):
            web.get(url)
            times = []
            for _ in range(max(3, args.repeat // 4)):
                started = time.perf_counter()
                response = web.get(url)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            row = {
                "user": username,
                "url": url,
                "status": response.status_code,
                "bytes": len(response.content),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[-1], 1),
            }
            results.append(row)
            print(
                f"{username:<8} {row['status']} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} ms {row['bytes']:>9,} B  {url}"
            )
        api_token_revoke(actor=None, token=token)
    api_rows = [r for r in results if r["url"].startswith("/api/")]
    all_times = sorted(r["p95_ms"] for r in api_rows)
    print(f"\nworst endpoint p95: {max(all_times):.1f} ms; median endpoint p95: {statistics.median(all_times):.1f} ms")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
