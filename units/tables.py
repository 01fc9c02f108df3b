import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from sanzero.validators import mask_phone

from .models import Subject


class SubjectTable(tables.Table):
    name = tables.Column("主体名称", linkify=True, attrs={"td": {"class": "fw-semibold"}})
    category = tables.Column("类别", accessor="category__name", order_by=("category__sort_order", "category__name"))
    region = tables.Column("所属区划", accessor="region__name", order_by=("region__code", "name"))
    department = tables.Column("主管部门", accessor="department__name", default="—")
    responsible_person = tables.Column("负责人", default="—")
    phone = tables.Column("联系电话", default="—", orderable=False)
    joined_on = tables.DateColumn(format="Y-m-d", verbose_name="纳入日期", default="—")
    status = tables.Column("状态", accessor="left_on", order_by=("left_on",), empty_values=())

    class Meta:
        model = Subject
        fields = ["name", "category", "region", "department", "responsible_person", "phone", "joined_on", "status"]
        order_by = ("region", "name")
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的创建主体。"

    def render_region(self, record):
        parent = record.region.parent
        if parent is not None and record.region.level != "township":
            return format_html('{}<span class="text-secondary small"> · {}</span>', record.region.name, parent.name)
        return record.region.name

    def render_phone(self, value):
        return mask_phone(value)

    def render_status(self, record):
        if record.left_on and record.left_on <= timezone.localdate():
            return mark_safe('<span class="badge text-bg-secondary">已退出</span>')
        if record.credit_code_warning:
            return mark_safe(
                '<span class="badge text-bg-success">在册</span> '
                '<span class="badge text-bg-warning" title="统一社会信用代码校验位未通过，已人工确认">代码待核</span>'
            )
        return mark_safe('<span class="badge text-bg-success">在册</span>')
