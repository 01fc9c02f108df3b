import django_tables2 as tables
from django.utils.html import format_html

from ledger.tables import LedgerTable, SummaryColumn

from .models import PublicOrderProblem


class PublicOrderProblemTable(LedgerTable):
    found_on = tables.DateColumn(format="Y-m-d", verbose_name="排查日期", linkify=True)
    category = tables.Column("问题类别")
    risk_level = tables.Column("风险", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    description = SummaryColumn("问题描述")
    lead_unit = tables.Column("牵头整治单位", default="—")

    class Meta:
        model = PublicOrderProblem
        fields = [
            "select",
            "mark",
            "found_on",
            "subject",
            "region",
            "category",
            "risk_level",
            "description",
            "lead_unit",
            "status",
        ]
        sequence = fields
        order_by = ("-found_on",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的治安问题。"

    def render_risk_level(self, record):
        return format_html('<span class="badge {}">{}</span>', record.risk_badge_class, record.get_risk_level_display())
