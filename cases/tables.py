import django_tables2 as tables
from django.utils.safestring import mark_safe

from ledger.tables import LedgerTable, SummaryColumn

from .choices import CaseKind
from .models import PoliceCase


class PoliceCaseTable(LedgerTable):
    occurred_on = tables.DateColumn(format="Y-m-d", verbose_name="发案日期", linkify=True)
    kind = tables.Column("类别")
    major_influence = tables.Column("重大影响", empty_values=())
    cause = tables.Column("案由")
    unit = tables.Column("办案单位")
    summary = SummaryColumn("简要案情")
    breaks_zero = tables.Column("影响零案件", accessor="breaks_zero_case", orderable=False, empty_values=())

    class Meta:
        model = PoliceCase
        fields = [
            "select",
            "occurred_on",
            "subject",
            "region",
            "kind",
            "major_influence",
            "cause",
            "summary",
            "unit",
            "breaks_zero",
            "status",
        ]
        sequence = [
            "select",
            "occurred_on",
            "subject",
            "region",
            "kind",
            "major_influence",
            "cause",
            "summary",
            "unit",
            "breaks_zero",
            "status",
        ]
        exclude = ["mark"]
        order_by = ("-occurred_on",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的刑事/治安案件。"

    def render_kind(self, record):
        if record.kind == CaseKind.CRIMINAL:
            return mark_safe('<span class="badge text-bg-dark">刑事</span>')
        return mark_safe('<span class="badge text-bg-light border">治安</span>')

    def render_major_influence(self, record):
        if record.kind == CaseKind.CRIMINAL:
            return mark_safe('<span class="text-secondary" title="刑事案件不适用">—</span>')
        if record.major_influence:
            return mark_safe('<span class="badge text-bg-danger">重大影响</span>')
        return "否"

    def render_cause(self, value):
        return value if len(value) <= 16 else value[:16] + "…"

    def render_breaks_zero(self, record):
        if record.breaks_zero_case:
            return mark_safe('<span class="badge text-bg-danger" title="计入零案件，该主体零案件不达标">影响</span>')
        return mark_safe('<span class="text-secondary small">不影响</span>')
