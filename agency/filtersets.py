import django_filters
from django import forms
from django.db.models import Q

from units.filtersets import IdListFilter, RegionSubtreeFilter, ScopedFilterSet

from .choices import AgencySource, AgencyStatus, MatterKind, SecretaryLevel
from .models import Agency


class MatterRegionFilter(RegionSubtreeFilter):
    """A region with its subtree, through the record's petition or its dispute."""

    def filter(self, qs, value):
        return qs.in_region(value.prefix) if value else qs


class AgencyFilterSet(ScopedFilterSet):
    """The 书记代办 list. Region, period and kind also narrow the page's figures (长治's counts); the
    other filters narrow the list only."""

    #: the filters the figures follow (a figure by source or level must not be cut by the same filter)
    FIGURE_FILTERS = ("region", "date_from", "date_to", "kind")

    region = MatterRegionFilter(label="区划（含下级）")
    date_from = django_filters.DateFilter(
        label="列入日期从", field_name="taken_on", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="列入日期至", field_name="taken_on", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = django_filters.ChoiceFilter(
        label="事项类型", choices=MatterKind.choices, empty_label="全部", method="filter_kind"
    )
    source = django_filters.ChoiceFilter(label="来源", choices=AgencySource.choices, empty_label="全部来源")
    level = django_filters.ChoiceFilter(label="代办书记", choices=SecretaryLevel.choices, empty_label="全部层级")
    status = django_filters.ChoiceFilter(label="状态", choices=AgencyStatus.choices, empty_label="全部状态")
    q = django_filters.CharFilter(
        label="主体/书记",
        method="filter_q",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "创建主体名称或代办书记姓名"}),
    )
    #: the checked rows of the list (批量导出): hidden, never remembered
    id = IdListFilter(label="所选记录")

    class Meta:
        model = Agency
        fields = ["region", "date_from", "date_to", "kind", "source", "level", "status", "q"]

    def filter_kind(self, queryset, name, value):
        if value == MatterKind.PETITION:
            return queryset.filter(petition__isnull=False)
        if value == MatterKind.DISPUTE:
            return queryset.filter(dispute__isnull=False)
        return queryset

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(secretary__icontains=value)
            | Q(petition__subject__name__icontains=value)
            | Q(dispute__subject__name__icontains=value)
        )

    def figures_queryset(self, queryset):
        """``queryset`` narrowed by the region, period and kind chosen (all of it while the form is invalid:
        the list then shows no rows and says why)."""
        if not self.is_bound or not self.is_valid():
            return queryset if not self.is_bound else queryset.none()
        for name in self.FIGURE_FILTERS:
            value = self.form.cleaned_data.get(name)
            if value not in (None, ""):
                queryset = self.filters[name].filter(queryset, value)
        return queryset
