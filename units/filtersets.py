import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from sanzero.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import Category, Department, Subject, TargetGroup, active_q


class SubjectFilterSet(ScopedFilterSet):
    """The subject list's filters; the same class will drive the list's Excel export."""

    q = django_filters.CharFilter(label="名称/信用代码", method="filter_q",
                                  widget=forms.TextInput(attrs={"placeholder": "名称或统一社会信用代码"}))
    region = RegionSubtreeFilter(label="区划（含下级）")
    category = django_filters.ModelChoiceFilter(label="类别", queryset=Category.objects.all(), empty_label="全部类别")
    group = django_filters.ChoiceFilter(label="分组", field_name="category__group", choices=TargetGroup.choices,
                                        empty_label="全部分组")
    department = django_filters.ModelChoiceFilter(label="主管部门", queryset=Department.objects.all(),
                                                  empty_label="全部部门")
    status = django_filters.ChoiceFilter(label="状态", method="filter_status", empty_label="全部",
                                         choices=[("active", "在册"), ("left", "已退出")])

    class Meta:
        model = Subject
        fields = ["q", "region", "category", "group", "department", "status"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "active":
            return queryset.filter(active_q(today))
        if value == "left":
            return queryset.exclude(active_q(today))
        return queryset
