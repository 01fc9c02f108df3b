"""Table pieces shared by the ledger lists: the deadline mark, the subject link with its township and
village, the truncated text column (简要情况/诉求内容/隐患描述), the selection checkboxes of the bulk
actions, and which columns a phone shows."""

from collections.abc import Callable

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html

from sanzero.privacy import mask_free_text
from sanzero.workdays import RED, YELLOW

#: characters of a text column a list row shows; the whole (masked) text is in the cell's title
SUMMARY_LENGTH = 20
#: a title attribute holds at most this much of the text (the entry's page has all of it)
SUMMARY_TITLE_LENGTH = 300
#: the columns a phone (< 768 px) shows: select, deadline, the date that links to the entry, subject, status
PHONE_COLUMNS = frozenset({"select", "mark", "subject", "status"})
WIDE_ONLY = "d-none d-md-table-cell wide-col"


def truncated(text: str, length: int = SUMMARY_LENGTH) -> str:
    """Whitespace folded to single spaces, cut to `length` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length] + "…"


class SummaryColumn(tables.Column):
    """A free-text column cut to SUMMARY_LENGTH characters, the whole text in the title attribute;
    ID and mobile numbers in the text, and the names `names(record)` gives, masked in both."""

    def __init__(self, verbose_name: str, *, names: Callable | None = None, **kwargs):
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"td": {"class": "summary-cell"}})
        self.names = names
        super().__init__(verbose_name, **kwargs)

    def render(self, value, record):
        text = mask_free_text(value or "", self.names(record) if self.names else ())
        if not text.strip():
            return "—"
        return format_html('<span title="{}">{}</span>', truncated(text, SUMMARY_TITLE_LENGTH), truncated(text))


def region_path(region, *, with_township: bool) -> str:
    """甲镇 / 甲一村 for a village's entry on a county-wide list; the region's own name otherwise."""
    if region is None:
        return "—"
    parent = region.parent if region.is_village_level and region.parent_id else None
    return f"{parent.name} / {region.name}" if with_township and parent is not None else region.name


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
    #: the selection checkboxes of 批量导出/批量验收 (static/js/bulk-select.js); they belong to the
    #: page's bulk form by the form attribute
    select = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"class": "form-check-input", "data-select-all": "", "aria-label": "全选本页"},
            "td__input": {"class": "form-check-input", "name": "id", "form": "bulk-form", "aria-label": "选择"},
            "th": {"class": "select-cell"},
            "td": {"class": "select-cell"},
        },
    )
    mark = tables.Column(
        "期限", accessor="due_on", order_by=("due_on",), empty_values=(), attrs={"td": {"class": "text-nowrap"}}
    )
    subject = tables.Column(
        "创建主体", accessor="subject__name", linkify=lambda record: record.subject.get_absolute_url()
    )
    region = tables.Column("所属区划", accessor="subject__region__name", order_by=("subject__region__code",))
    status = StatusBadgeColumn()

    def __init__(self, *args, today=None, warn_days=3, with_township=False, selectable=False, **kwargs):
        if not selectable:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "select")
        super().__init__(*args, **kwargs)
        self.today = today
        self.warn_days = warn_days
        self.with_township = with_township
        # a phone shows the few columns PHONE_COLUMNS names and the date that opens the entry
        for bound in self.columns:
            # the column's own copy: columns declared with one shared attrs dict (NOWRAP) must not pass
            # one column's wide-only class on to another (a petition's 登记日期 link vanished on phones)
            attrs = bound.column.attrs = dict(bound.column.attrs)
            if bound.name not in PHONE_COLUMNS and getattr(bound.column, "link", None) is None:
                for cell in ("th", "td"):
                    part = dict(attrs.get(cell, {}))
                    part["class"] = f"{part.get('class', '')} {WIDE_ONLY}".strip()
                    attrs[cell] = part
            elif isinstance(bound.column, tables.DateColumn):  # 2026-03-16 on one line, on a phone too
                part = dict(attrs.get("td", {}))
                part["class"] = f"{part.get('class', '')} text-nowrap".strip()
                attrs["td"] = part

    def order_mark(self, queryset, is_descending):
        """By deadline, entries without one (done) last either way: SQLite would put them first."""
        due = F("due_on")
        return queryset.order_by(due.desc(nulls_last=True) if is_descending else due.asc(nulls_last=True)), True

    def render_region(self, record):
        return region_path(record.subject.region, with_township=self.with_township)

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
