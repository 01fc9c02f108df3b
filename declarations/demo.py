"""Demo 零报告 for seed_demo: every township declared each past month but the last, where three have not
yet (so the county sees who has not and their silent subjects); the demo grid worker's village too."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from units.models import Region, RegionLevel

from . import selectors, services
from .models import DeclarationKind


def seed(*, rng, subjects, year, users, today):
    clerk = users.get("clerk_a")
    grid = users.get("grid")
    admin = users.get("admin")
    if admin is None:
        return {}
    county = Region.objects.filter(level="county", parent__isnull=True).order_by("code").first()
    if county is None:
        return {}
    townships = list(Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code"))
    last = today.month - 1 if year == today.year else 12
    count = 0
    clerk_prefix = clerk.scope_regions.first().prefix if clerk is not None else "-"
    villages = selectors.reporting_villages(region=county)
    for m in range(1, last + 1):
        month = datetime.date(year, m, 1)
        declared_at = timezone.make_aware(datetime.datetime(year, m, 1) + datetime.timedelta(days=31, hours=9))
        declared_at = min(declared_at, timezone.now())
        for index, township in enumerate(townships):
            if m == last and index >= len(townships) - 3:
                continue  # the latest month: the last three townships have not declared yet
            actor = clerk if clerk is not None and township.code.startswith(clerk_prefix) else admin
            count += _declare(actor, township, month, declared_at)
        for village in villages:
            if m == last:
                continue
            count += _declare(grid or admin, village, month, declared_at)
    return {"零报告": count}


def _declare(actor, region, month, declared_at) -> int:
    total = sum(selectors.entry_counts(region=region, month=month).values())
    kind = DeclarationKind.ENTRIES if total else DeclarationKind.NOTHING
    with transaction.atomic():
        services.declaration_declare(actor=actor, region=region, month=month, kind=kind, now=declared_at)
    return 1
