import django_tables2 as tables
from django.utils.html import format_html

from ledger.tables import LedgerTable, SummaryColumn

from .models import Dispute, next_in_ladder, party_names

RISK_CLASS = {"红": "text-bg-danger", "黄": "text-bg-warning", "蓝": "text-bg-primary"}


def risk_badge(value: str):
    return format_html('<span class="badge {}">{}</span>', RISK_CLASS.get(value, "text-bg-light"), value)


class DisputeTable(LedgerTable):
    found_on = tables.DateColumn(format="Y-m-d", verbose_name="登记日期", linkify=True)
    category = tables.Column("纠纷类别")
    risk_colour = tables.Column("风险等级", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    level = tables.Column("当前调解层级", accessor="level__name", order_by=("level__order",))
    parties = tables.Column("当事人", orderable=False, default="—")
    summary = SummaryColumn("简要情况", names=lambda record: party_names(record.parties))

    class Meta:
        model = Dispute
        fields = [
            "select",
            "mark",
            "found_on",
            "subject",
            "region",
            "category",
            "summary",
            "risk_colour",
            "level",
            "parties",
            "status",
        ]
        sequence = [
            "select",
            "mark",
            "found_on",
            "subject",
            "region",
            "category",
            "summary",
            "risk_colour",
            "level",
            "parties",
            "status",
        ]
        order_by = ("-found_on",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的矛盾纠纷。"

    def __init__(self, *args, ladder=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ladder = list(ladder)

    def render_risk_colour(self, value):
        return risk_badge(value)

    def render_level(self, record):
        if not record.is_open:
            return format_html('<span class="text-secondary">{}</span>', record.level.name)
        if record.needs_escalation(self.today):
            following = next_in_ladder(self.ladder, record.level_id)
            if following is None:
                return format_html(
                    '{} <span class="badge text-bg-danger" title="已是最高调解层级">最高级超期</span>',
                    record.level.name,
                )
            return format_html(
                '{} <span class="badge text-bg-danger" title="已超过本级调解期限，建议升级至：{}">'
                '<i class="bi bi-arrow-up-circle me-1"></i>建议升级</span>',
                record.level.name,
                following.name,
            )
        return record.level.name

    def render_parties(self, record):
        return record.masked_parties or "—"
