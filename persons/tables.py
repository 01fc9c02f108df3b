import django_tables2 as tables
from django.utils.html import format_html

from ledger.tables import LedgerTable

from .models import KeyPerson
from .privacy import mask_name

NOWRAP = {"td": {"class": "text-nowrap"}}


class KeyPersonTable(LedgerTable):
    name = tables.Column("姓名", linkify=True, attrs=NOWRAP)
    category = tables.Column("人员类别", attrs=NOWRAP)
    region = tables.Column("所属村(社区)", accessor="subject__region__name", order_by=("subject__region__code",))
    risk_level = tables.Column("风险", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    grid_worker = tables.Column(
        "包户网格员", accessor="grid_worker", order_by=("grid_worker__full_name",), empty_values=()
    )
    last_visited_on = tables.DateColumn(format="Y-m-d", verbose_name="最近走访", default="—", attrs=NOWRAP)
    link_count = tables.Column("关联事项", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})

    class Meta:
        model = KeyPerson
        fields = [
            "select",
            "mark",
            "name",
            "region",
            "category",
            "risk_level",
            "grid_worker",
            "last_visited_on",
            "link_count",
            "status",
        ]
        sequence = [
            "select",
            "mark",
            "name",
            "region",
            "category",
            "risk_level",
            "grid_worker",
            "last_visited_on",
            "link_count",
            "status",
        ]
        exclude = ("subject",)
        order_by = ("mark",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的重点人员。"

    def __init__(self, *args, **kwargs):
        if "exclude" in kwargs:  # the base adds "select" for a list without bulk actions
            kwargs["exclude"] = (*kwargs["exclude"], "subject")
        super().__init__(*args, **kwargs)

    def render_name(self, record):
        # a phone shows no village or category column: they go under the name there
        return format_html(
            '{}<div class="small text-secondary d-md-none">{} · {}</div>',
            mask_name(record.name),
            record.subject.region.name,
            record.get_category_display(),
        )

    def render_risk_level(self, record):
        return format_html('<span class="badge {}">{}</span>', record.risk_badge_class, record.get_risk_level_display())

    def render_grid_worker(self, record):
        if record.grid_worker is None:
            return format_html('<span class="badge text-bg-light border text-danger-emphasis">{}</span>', "未落实")
        return record.grid_worker.display_name

    def render_link_count(self, value):
        return value or "—"
