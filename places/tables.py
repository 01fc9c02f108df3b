import django_tables2 as tables
from django.utils.html import format_html

from ledger.tables import LedgerTable
from sanzero.validators import mask_phone

from .models import KeyPlace


class KeyPlaceTable(LedgerTable):
    name = tables.Column("场所名称", linkify=True)
    category = tables.Column("场所类别")
    risk_level = tables.Column("风险等级", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    last_inspected_on = tables.DateColumn(format="Y-m-d", verbose_name="最近检查", default="—")
    phone = tables.Column("联系电话", orderable=False, default="—")

    class Meta:
        model = KeyPlace
        fields = [
            "select",
            "mark",
            "name",
            "subject",
            "region",
            "category",
            "risk_level",
            "last_inspected_on",
            "phone",
            "status",
        ]
        sequence = [
            "select",
            "mark",
            "name",
            "subject",
            "region",
            "category",
            "risk_level",
            "last_inspected_on",
            "phone",
            "status",
        ]
        order_by = ("mark",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的重点场所。"

    def render_risk_level(self, record):
        return format_html('<span class="badge {}">{}</span>', record.risk_badge_class, record.get_risk_level_display())

    def render_phone(self, value):
        return mask_phone(value)
