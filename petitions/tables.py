import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from ledger.tables import SUMMARY_TITLE_LENGTH, LedgerTable, truncated
from sanzero.privacy import mask_free_text

from .choices import PetitionSource, PetitionType
from .models import Petition, agency_of
from .privacy import HIDDEN_TEXT, hidden_from_accused, mask_name

NOWRAP = {"td": {"class": "text-nowrap"}}


class PetitionTable(LedgerTable):
    received_on = tables.DateColumn(format="Y-m-d", verbose_name="登记日期", linkify=True, attrs=NOWRAP)
    channel = tables.Column("形式", attrs=NOWRAP)
    type = tables.Column("类型", attrs=NOWRAP)
    petitioner = tables.Column("信访人", accessor="petitioner_name", orderable=False, empty_values=(), attrs=NOWRAP)
    headcount = tables.Column("人数", attrs=NOWRAP)
    level_reached = tables.Column("到访层级", attrs=NOWRAP)
    flags = tables.Column(
        "重点", accessor="pk", orderable=False, empty_values=(), attrs={"td": {"class": "text-nowrap"}}
    )
    content = tables.Column("诉求内容", orderable=False, empty_values=(), attrs={"td": {"class": "summary-cell"}})
    agent = tables.Column("代办", accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Petition
        fields = [
            "select",
            "mark",
            "received_on",
            "subject",
            "region",
            "channel",
            "type",
            "petitioner",
            "headcount",
            "level_reached",
            "flags",
            "content",
            "agent",
            "status",
        ]
        sequence = [
            "select",
            "mark",
            "received_on",
            "subject",
            "region",
            "channel",
            "type",
            "petitioner",
            "headcount",
            "level_reached",
            "flags",
            "content",
            "agent",
            "status",
        ]
        order_by = ("-received_on",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的信访。"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _hidden(self, record) -> bool:
        return hidden_from_accused(self.user, record)

    def render_type(self, record):
        if record.type == PetitionType.ACCUSATION:
            return format_html('<span class="text-danger-emphasis">{}</span>', record.get_type_display())
        return record.get_type_display()

    def render_petitioner(self, record):
        if self._hidden(record):
            return format_html('<span class="text-secondary small">{}</span>', "不可见")
        return mask_name(record.petitioner_name) or format_html('<span class="text-secondary">{}</span>', "匿名")

    def render_headcount(self, record):
        if record.is_collective:
            return format_html('{} <span class="badge text-bg-danger" title="集体访">集体访</span>', record.headcount)
        return str(record.headcount)

    def render_received_on(self, record, value):
        number = (
            format_html('<div class="small text-secondary">{}</div>', record.case_number) if record.case_number else ""
        )
        return format_html("{}{}", value.strftime("%Y-%m-%d"), number)

    def render_flags(self, record):
        badges = []
        if record.is_skip_level:
            badges.append(("text-bg-danger", "越级"))
        if record.abnormal_visit:
            badges.append(("text-bg-dark", f"{record.abnormal_visit}异常访"))
        elif record.is_abnormal:
            badges.append(("text-bg-dark", "非正常"))
        if record.is_repeat:
            badges.append(("text-bg-warning", "重复访"))
        if record.source != PetitionSource.LOCAL:
            badges.append(("text-bg-light border", record.source))
        if record.extended_days:
            badges.append(("text-bg-warning", f"延期{record.extended_days}日"))
        if not badges:
            return "—"
        return format_html_join(" ", '<span class="badge {}">{}</span>', badges)

    def render_content(self, record):
        # 检举控告 content is never sent to the accused subject's department, not even truncated.
        if self._hidden(record):
            return format_html('<span class="text-secondary small">{}</span>', HIDDEN_TEXT)
        text = mask_free_text(record.content, [record.petitioner_name])
        return format_html('<span title="{}">{}</span>', truncated(text, SUMMARY_TITLE_LENGTH), truncated(text))

    def render_agent(self, record):
        agency = agency_of(record)
        if agency is None:
            return "—"
        if not agency.included:
            return format_html('<span class="text-secondary small">{}</span>', "未纳入代办")
        return format_html(
            '<span class="text-nowrap">{}</span><div class="small text-secondary">{}</div>',
            agency.get_level_display(),
            agency.secretary,
        )
