import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ledger.tables import LedgerTable, SummaryColumn

from .models import Accident, Hazard, HazardListing


class HazardTable(LedgerTable):
    found_on = tables.DateColumn(format="Y-m-d", verbose_name="发现日期", linkify=True)
    category = tables.Column("隐患类别")
    level = tables.Column("等级")
    description = SummaryColumn("隐患描述")

    class Meta:
        model = Hazard
        fields = ["select", "mark", "found_on", "subject", "region", "category", "level", "description", "status"]
        sequence = ["select", "mark", "found_on", "subject", "region", "category", "level", "description", "status"]
        order_by = ("-found_on",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的安全隐患。"

    def render_level(self, record):
        if record.level == "重大":
            return mark_safe('<span class="badge text-bg-danger">重大</span>')
        return "一般"


class AccidentTable(LedgerTable):
    occurred_on = tables.DateColumn(format="Y-m-d", verbose_name="发生日期", linkify=True)
    kind = tables.Column("事故类型")
    deaths = tables.Column("死亡", attrs={"td": {"class": "text-end"}})
    injuries = tables.Column("受伤", attrs={"td": {"class": "text-end"}})
    serious_injuries = tables.Column("重伤", attrs={"td": {"class": "text-end"}})
    direct_loss = tables.Column("损失(万元)", attrs={"td": {"class": "text-end"}})
    grade = tables.Column("等级")
    summary = SummaryColumn("简要经过")

    class Meta:
        model = Accident
        fields = [
            "select",
            "occurred_on",
            "subject",
            "region",
            "kind",
            "deaths",
            "injuries",
            "serious_injuries",
            "direct_loss",
            "grade",
            "summary",
            "status",
        ]
        sequence = [
            "select",
            "occurred_on",
            "subject",
            "region",
            "kind",
            "summary",
            "deaths",
            "injuries",
            "serious_injuries",
            "direct_loss",
            "grade",
            "status",
        ]
        exclude = ["mark"]
        order_by = ("-occurred_on",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的事故。"


class HazardListingTable(LedgerTable):
    notice_number = tables.Column("督办通知书文号", linkify=True)
    tier = tables.Column("挂牌层级")
    hazard = SummaryColumn("隐患内容", accessor="hazard__description")
    listed_on = tables.DateColumn(format="Y-m-d", verbose_name="挂牌日期")
    deadline = tables.DateColumn(format="Y-m-d", verbose_name="整改时限")
    letters_count = tables.Column("督办函", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})

    class Meta:
        model = HazardListing
        fields = [
            "select",
            "mark",
            "notice_number",
            "tier",
            "subject",
            "region",
            "hazard",
            "listed_on",
            "deadline",
            "letters_count",
            "status",
        ]
        sequence = fields
        order_by = ("mark",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的挂牌督办隐患。"

    def render_tier(self, record):
        return format_html('<span class="badge {}">{}</span>', record.tier_badge_class, record.get_tier_display())

    def render_letters_count(self, value):
        if not value:
            return "—"
        return format_html('<span class="badge text-bg-danger" title="已发督办函">{}次</span>', value)
