import django_tables2 as tables
from django.utils.html import format_html

from ledger.tables import WIDE_ONLY, StatusBadgeColumn, region_path

from .models import Agency

NOWRAP = {"td": {"class": "text-nowrap"}}
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}


class AgencyTable(tables.Table):
    select = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"class": "form-check-input", "data-select-all": "", "aria-label": "全选本页"},
            "td__input": {"class": "form-check-input", "name": "id", "form": "bulk-form", "aria-label": "选择"},
            "th": {"class": "select-cell"},
            "td": {"class": "select-cell"},
        },
    )
    taken_on = tables.DateColumn(format="Y-m-d", verbose_name="列入日期", linkify=True, attrs=NOWRAP)
    matter = tables.Column("事项", accessor="pk", orderable=False, empty_values=())
    region = tables.Column("所属区划", accessor="pk", orderable=False, empty_values=(), attrs=WIDE)
    source = tables.Column("来源", attrs=WIDE)
    level = tables.Column("代办书记", order_by=("level", "secretary"), empty_values=())
    status = StatusBadgeColumn()
    outcome = tables.Column("办理结果", empty_values=(), attrs=WIDE)

    class Meta:
        model = Agency
        fields = ["select", "taken_on", "matter", "region", "source", "level", "status", "outcome"]
        sequence = ["select", "taken_on", "matter", "region", "source", "level", "status", "outcome"]
        order_by = ("-taken_on",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的书记代办记录。"

    def __init__(self, *args, with_township=False, selectable=True, **kwargs):
        if not selectable:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "select")
        super().__init__(*args, **kwargs)
        self.with_township = with_township

    def render_matter(self, record):
        matter = record.matter
        number = getattr(matter, "case_number", "")
        return format_html(
            '<a href="{}">{}</a><div class="small text-secondary">{}{}</div>',
            matter.get_absolute_url(),
            matter.subject.name,
            record.matter_kind_label,
            f" · {number}" if number else "",
        )

    def render_region(self, record):
        return region_path(record.matter.subject.region, with_township=self.with_township)

    def render_source(self, record):
        if record.source == "上级交办" and record.assigned_by:
            return format_html('{}<div class="small text-secondary">{}</div>', record.source, record.assigned_by)
        return record.source

    def render_level(self, record):
        if not record.included:
            return format_html('<span class="text-secondary small">未纳入：{}</span>', record.not_included_reason)
        return format_html(
            '<span class="text-nowrap">{}</span><div class="small text-secondary">{}</div>',
            record.get_level_display(),
            record.secretary,
        )

    def render_outcome(self, record):
        if not record.outcome:
            return "—"
        return format_html(
            '{}<div class="small text-secondary">{}</div>', record.outcome, record.finished_on.strftime("%Y-%m-%d")
        )
