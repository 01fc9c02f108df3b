"""Filters of the subject list, and the pieces every list uses: a FilterSet that knows the user and a
region-with-subtree filter."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from .forms import RegionChoiceField
from .models import Category, Department, Region, RegionLevel, Subject, TargetGroup, active_q

FILTER_REGION_LEVELS = (
    RegionLevel.PROVINCE,
    RegionLevel.CITY,
    RegionLevel.COUNTY,
    RegionLevel.TOWNSHIP,
    RegionLevel.VILLAGE,
    RegionLevel.COMMUNITY,
)


class IdFilter(django_filters.NumberFilter):
    """A row id from the query string (?subject=12): a whole number the database can hold, else the
    filter form is invalid and the list is empty — never a 500 for ?subject=99999999999999999999."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)  # DEFAULT_AUTO_FIELD is BigAutoField: a bigint key
        super().__init__(*args, **kwargs)


class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """Choose a region in scope; rows in that region or anywhere below it match."""

    field_class = RegionChoiceField

    def __init__(self, *args, region_path: str = "region", **kwargs):
        kwargs.setdefault("queryset", Region.objects.none())
        kwargs.setdefault("levels", FILTER_REGION_LEVELS)
        kwargs.setdefault("empty_label", "全部区划")
        kwargs.setdefault("to_field_name", "code")
        self.region_path = region_path
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.region_path}__code__startswith": value.prefix})


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose region choices are the requesting user's regions."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        for f in self.filters.values():
            if isinstance(f, RegionSubtreeFilter):
                f.queryset = Region.objects.for_user(user).filter(level__in=FILTER_REGION_LEVELS).order_by("code")

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                widget = field.widget
                if isinstance(widget, forms.HiddenInput):
                    continue
                css = (
                    "form-select form-select-sm"
                    if getattr(widget, "input_type", "") == "select"
                    else "form-control form-control-sm"
                )
                widget.attrs["class"] = css
            form._styled = True
        return form


class SubjectFilterSet(ScopedFilterSet):
    """The subject list's filters; the same class will drive the list's Excel export."""

    q = django_filters.CharFilter(
        label="名称/信用代码",
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": "名称或统一社会信用代码"}),
    )
    region = RegionSubtreeFilter(label="区划（含下级）")
    category = django_filters.ModelChoiceFilter(label="类别", queryset=Category.objects.all(), empty_label="全部类别")
    group = django_filters.ChoiceFilter(
        label="分组", field_name="category__group", choices=TargetGroup.choices, empty_label="全部分组"
    )
    department = django_filters.ModelChoiceFilter(
        label="主管部门", queryset=Department.objects.all(), empty_label="全部部门"
    )
    status = django_filters.ChoiceFilter(
        label="状态", method="filter_status", empty_label="全部", choices=[("active", "在册"), ("left", "已退出")]
    )

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
