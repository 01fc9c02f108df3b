"""Table pieces shared by the ledger lists: the deadline mark, the subject link, masked columns."""

import django_tables2 as tables
from django.utils.html import format_html

from sanzero.workdays import RED, YELLOW

COLOUR_BADGES = {
    RED: ('<span class="badge text-bg-danger" title="已超期">超期{}天</span>'),
    YELLOW: ('<span class="badge text-bg-warning" title="3日内到期">临期</span>'),
}


class StatusBadgeColumn(tables.Column):
    """The entry's status as a badge coloured by its model's STATUS_BADGES (from the app's choices)."""

    def __init__(self, verbose_name="状态", **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(verbose_name, **kwargs)

    def render(self, value, record):
        return format_html('<span class="badge {}">{}</span>', record.status_badge_class, record.get_status_display())


class LedgerTable(tables.Table):
    mark = tables.Column(
        "期限", accessor="due_on", order_by=("due_on",), empty_values=(), attrs={"td": {"class": "text-nowrap"}}
    )
    subject = tables.Column(
        "创建主体", accessor="subject__name", linkify=lambda record: record.subject.get_absolute_url()
    )
    region = tables.Column("所属区划", accessor="subject__region__name", order_by=("subject__region__code",))
    status = StatusBadgeColumn()

    def __init__(self, *args, today=None, warn_days=3, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.warn_days = warn_days

    def render_mark(self, record):
        colour = record.colour(self.today, self.warn_days)
        if colour == RED:
            return format_html(COLOUR_BADGES[RED], record.days_overdue(self.today))
        if colour == YELLOW:
            return format_html(
                '<span class="badge text-bg-warning" title="3日内到期">临期 {}</span>', record.due_on.strftime("%m-%d")
            )
        if record.due_on and record.is_open:
            return format_html('<span class="text-secondary small">{}</span>', record.due_on.strftime("%Y-%m-%d"))
        return "—"
