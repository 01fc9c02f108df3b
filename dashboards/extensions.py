"""Extension points of a township's month (上报) for apps that dashboards does not import.

dashboards imports no app built on it (reports, declarations, bulletins import dashboards, never the
other way round). An app that has a say in a month's submission registers here, in its AppConfig.ready():

- ``register_submit_check(func)``: ``func(*, actor, region, month)`` runs inside month_submit's
  transaction, after dashboards' own checks and before the status is saved; it raises ServiceError
  (its Chinese message is shown to the clerk as is) to refuse the submission.
- ``register_submit_panel(func)``: ``func(*, user, region, month)`` returns a card for the 上报 page
  (``template``, ``blocks_submit`` (bool: the 确认上报 button is replaced by the card's message), and
  whatever the template reads), or None.
"""

from __future__ import annotations

from collections.abc import Callable

SUBMIT_CHECKS: list[Callable] = []
SUBMIT_PANELS: list[Callable] = []


def register_submit_check(func: Callable) -> None:
    if func not in SUBMIT_CHECKS:
        SUBMIT_CHECKS.append(func)


def register_submit_panel(func: Callable) -> None:
    if func not in SUBMIT_PANELS:
        SUBMIT_PANELS.append(func)


def run_submit_checks(*, actor, region, month) -> None:
    for check in SUBMIT_CHECKS:
        check(actor=actor, region=region, month=month)


def submit_panels(*, user, region, month) -> list[dict]:
    return [p for p in (func(user=user, region=region, month=month) for func in SUBMIT_PANELS) if p]
