"""Size, <option> count and server time of every page without a parameter (plus one edit form per
ledger), for the given users, in the configured database (the city fixture of scripts/city_fixture.py).

    DATABASE_URL=postgresql://... .venv/bin/python scripts/measure_pages.py [--users admin city] [--repeat 10]

Requests go through Django's test client in this process (no network, no browser): "server time" is
the time Django takes to answer, template rendering included. Prints one row per page and user, then
the largest page and the median of ``--repeat`` GETs of /disputes/new/ per user; writes var/pages.json.
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
    parser.add_argument("--users", nargs="+", default=["admin", "city"])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--output", default=str(ROOT / "var" / "pages.json"))
    parser.add_argument("--form-only", action="store_true", help="time /disputes/new/ only, no sweep of every page")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # a 403 of a read-only role is an answer
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # static URLs without a collectstatic manifest; nothing else changes
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from sanzero.testing import option_count, parameterless_urls

    urls = [] if args.form_only else parameterless_urls()
    try:  # one edit form per ledger, where the ledger has an entry
        if args.form_only:
            raise LookupError
        from django.apps import apps

        for label in (
            "disputes.Dispute",
            "hazards.Hazard",
            "hazards.Accident",
            "petitions.Petition",
            "cases.PoliceCase",
        ):
            model = apps.get_model(label)
            entry = model.objects.order_by("pk").first()
            if entry is not None:
                urls.append(f"/{model.URL_PREFIX}/{entry.pk}/edit/")
    except LookupError:
        pass
    rows = []
    for username in args.users:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for url in urls:
            client.get(url)  # warm-up: per-process caches
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
            html = b"".join(response.streaming_content) if response.streaming else response.content
            is_html = response.get("Content-Type", "").startswith("text/html")
            rows.append(
                {
                    "user": username,
                    "url": url,
                    "status": response.status_code,
                    "bytes": len(html),
                    "options": option_count(html.decode("utf-8", "replace")) if is_html else 0,
                    "ms": round(elapsed * 1000, 1),
                }
            )
            r = rows[-1]
            print(f"{username:8} {url:40} {r['status']} {r['bytes']:>9} B {r['options']:>6} options {r['ms']:>8} ms")
    largest = max(rows, key=lambda r: r["bytes"], default=None)
    most = max(rows, key=lambda r: r["options"], default=None)
    print(f"largest page: {largest}")
    print(f"most options: {most}")
    forms = {}
    for username in args.users:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.get("/disputes/new/")
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get("/disputes/new/")
            times.append(time.perf_counter() - start)
        forms[username] = {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "min_ms": round(min(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
            "bytes": len(response.content),
            "options": option_count(response.content.decode()),
        }
        print(f"/disputes/new/ as {username}: median of {args.repeat} = {forms[username]}")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(
        json.dumps(
            {"pages": rows, "largest": largest, "most_options": most, "dispute_form": forms},
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
