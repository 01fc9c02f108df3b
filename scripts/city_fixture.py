"""Build the city-sized fixture (units.scale.build_city) in the configured database and give it users.

    DATABASE_URL=postgresql://... .venv/bin/python scripts/city_fixture.py [--seed 2026] [--scale 1.0]

The database must be migrated and hold no region yet. Users (password Sanling@2026): admin
(administrator), city (县平安办 role scoped to the whole city), clerk (the first township).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--ledgers", action="store_true", help="also the demo county's year of ledger entries, spread over the city"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from sanzero.roles import Role
    from units.demo import DEMO_PASSWORD
    from units.models import Region, RegionLevel
    from units.scale import CITY_CODE, build_city
    from units.services import user_create

    if Region.objects.exists():
        sys.exit("the database already holds regions: use an empty, migrated database")
    start = time.perf_counter()
    size = build_city(seed=args.seed, scale=args.scale)
    first, second = Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code")[:2]
    users = {}
    for username, role, codes in [
        ("admin", Role.ADMIN, []),
        ("city", Role.COUNTY, [CITY_CODE]),
        ("clerk", Role.CLERK, [first.code]),
        ("clerk2", Role.CLERK, [second.code]),
    ]:
        users[username] = user_create(
            actor=None,
            username=username,
            role=role,
            region_codes=codes,
            password=DEMO_PASSWORD,
            check_password_strength=False,
        )
    print(f"{size.regions} regions, {size.subjects} subjects in {time.perf_counter() - start:.1f} s")
    if args.ledgers:
        import random

        from django.utils import timezone

        from sanzero.registry import DEMO_SEEDERS
        from units.models import Subject

        today = timezone.localdate()
        subjects = list(Subject.objects.active_on(today).select_related("region", "category"))
        rng = random.Random(args.seed)
        counts = {}
        for seeder in DEMO_SEEDERS:
            counts.update(
                seeder(
                    rng=random.Random(rng.random()),
                    subjects=subjects,
                    year=today.year if today.month > 1 else today.year - 1,
                    users={"clerk_a": users["clerk"], "clerk_b": users["clerk2"]},
                    today=today,
                )
            )
        print(f"ledgers: {counts}")


if __name__ == "__main__":
    main()
