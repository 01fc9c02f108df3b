"""The ledgers the API serves, found from the ledger apps' own declarations (LedgerAppConfig.ledgers),
and one entry as the API shows it.

An entry's rows come from its web list view's own ``get_queryset`` (``for_user`` plus the list's
select_related), its columns from the list's Excel export (``export_columns``): the same values a user
exports, with personal data always masked (the API never reveals), and ID numbers, mobile numbers and
the entry's own personal names masked inside free text too (sanzero.privacy.mask_free_text). A new
ledger app appears here without a change to this module.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.apps import apps
from django.urls import resolve, reverse
from django.utils import timezone

from ledger.apps import LedgerAppConfig
from ledger.views import NAME_SEPARATORS
from sanzero.exporting.columns import ExportContext
from sanzero.models import DeadlineSettings
from sanzero.privacy import HIDDEN_TEXT, mask_free_text


@dataclass(frozen=True)
class ApiLedger:
    key: str  # the URL prefix: disputes, hazards, accidents, petitions, cases, places
    title: str
    model: type
    view_class: type


@cache
def api_ledgers() -> dict[str, ApiLedger]:
    found = {}
    for config in apps.get_app_configs():
        if not isinstance(config, LedgerAppConfig):
            continue
        for spec in config.ledgers:
            model = config.get_model(spec.model)
            view_class = resolve(reverse(spec.list_url)).func.view_class
            found[model.URL_PREFIX] = ApiLedger(model.URL_PREFIX, spec.title, model, view_class)
    return dict(sorted(found.items(), key=lambda kv: kv[0]))


def entry_queryset(ledger: ApiLedger, request):
    """The ledger list page's own queryset for the caller: scoped by ``for_user``, rows joined as the list joins them."""
    view = ledger.view_class()
    view.setup(request)
    return view.get_queryset()


def export_context(user) -> ExportContext:
    return ExportContext(
        user=user, reveal=False, today=timezone.localdate(), warn_days=DeadlineSettings.current().warn_days
    )


def _json_value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def export_columns(ledger: ApiLedger) -> list:
    """The ledger list's export columns, read once per request: a list view may declare them as a
    property (the 国标代码 columns, which read the code table once)."""
    return list(ledger.view_class().export_columns or ())


def entry_fields(columns, obj, ctx: ExportContext) -> dict:
    """{column header: value} of the ledger's export columns, personal data masked."""
    names: list[str] = []
    for column in columns:
        if column.personal:
            raw = column.getter(obj, ctx)
            if isinstance(raw, str) and raw != HIDDEN_TEXT:
                names.extend(p for p in NAME_SEPARATORS.split(raw) if p)
    out = {}
    for column in columns:
        value = column.get(obj, ctx)  # a personal column comes masked (ctx.reveal is False)
        if isinstance(value, str) and not column.personal and value != HIDDEN_TEXT:
            value = mask_free_text(value, names)
        out[column.header] = _json_value(value)
    return out
