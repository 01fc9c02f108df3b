"""The filters every ledger list has (region with subtree, subject, dates, deadline state)."""

import django_filters
from django import forms
from django.utils import timezone

from sanzero.models import DeadlineSettings
from units.filtersets import IdFilter, IdListFilter, RegionSubtreeFilter, ScopedFilterSet


class LedgerFilterSet(ScopedFilterSet):
    """Filters every ledger list has: region with subtree, subject, status, date range, deadline state.

    A subclass sets Meta.model and adds its own (category, risk colour, level...).
    """

    region = RegionSubtreeFilter(label="区划（含下级）", region_path="subject__region")
    q = django_filters.CharFilter(
        label="主体名称",
        field_name="subject__name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": "创建主体名称"}),
    )
    subject = IdFilter(field_name="subject_id", widget=forms.HiddenInput)
    #: the checked rows of the list (批量导出): hidden, never remembered
    id = IdListFilter(label="所选记录")
    date_from = django_filters.DateFilter(
        label="日期从", method="filter_date_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="日期至", method="filter_date_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = django_filters.ChoiceFilter(
        label="期限",
        method="filter_deadline",
        empty_label="全部",
        choices=[("overdue", "已超期（红）"), ("soon", "临期（黄）"), ("open", "未办结")],
    )

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(**{f"{queryset.model.DATE_FIELD}__gte": value})

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(**{f"{queryset.model.DATE_FIELD}__lte": value})

    def filter_deadline(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "soon":
            return queryset.due_soon(today, DeadlineSettings.current().warn_days)
        if value == "open":
            return queryset.open()
        return queryset
