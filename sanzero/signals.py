"""Signals between the kernel's layers that must not import each other.

`subject_days_changed` — a write changed what a subject's snapshot months are computed from: a ledger
entry of the subject dated on a day was created or edited, or the subject's 纳入日期 moved. Sent by
ledger.services and units.services with ``changes``, a list of (subject_id, day); the dashboards app
listens and recomputes those subjects' months after commit (dashboards.incremental).
"""

from django.dispatch import Signal

subject_days_changed = Signal()
