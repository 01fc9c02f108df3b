"""For other apps' tests that submit a township's month: declare its 零报告 first, as a clerk would."""

from __future__ import annotations

import datetime


def declare_month(actor, region, month: datetime.date):
    """Declare the region's month with the kind its entries call for (有事报情况 / 无事报平安)."""
    from . import selectors, services
    from .models import DeclarationKind

    total = sum(selectors.entry_counts(region=region, month=month).values())
    kind = DeclarationKind.ENTRIES if total else DeclarationKind.NOTHING
    return services.declaration_declare(actor=actor, region=region, month=month, kind=kind)
