"""Filter pieces shared by every list: a FilterSet that knows the user, a region-with-subtree filter."""

import django_filters
from django import forms

from units.models import Region, RegionLevel

from .forms import RegionChoiceField

FILTER_REGION_LEVELS = (
    RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP,
    RegionLevel.VILLAGE, RegionLevel.COMMUNITY,
)


class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """Choose a region in scope; rows in that region or anywhere below it match."""

    field_class = RegionChoiceField

    def __init__(self, *args, region_path: str = "region", **kwargs):
        kwargs.setdefault("queryset", Region.objects.none())
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
                css = "form-select form-select-sm" if getattr(widget, "input_type", "") == "select" else "form-control form-control-sm"
                widget.attrs["class"] = css
            form._styled = True
        return form


class LedgerFilterSet(ScopedFilterSet):
    """Filters every ledger list has: region with subtree, subject, status, date range, deadline state.

    A subclass sets Meta.model and adds its own (category, risk colour, level...).
    """

    region = RegionSubtreeFilter(label="区划（含下级）", region_path="subject__region")
    q = django_filters.CharFilter(label="主体名称", field_name="subject__name", lookup_expr="icontains",
                                  widget=forms.TextInput(attrs={"placeholder": "创建主体名称"}))
    subject = django_filters.NumberFilter(field_name="subject_id", widget=forms.HiddenInput)
    date_from = django_filters.DateFilter(label="日期从", method="filter_date_from",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label="日期至", method="filter_date_to",
                                        widget=forms.DateInput(attrs={"type": "date"}))
    deadline = django_filters.ChoiceFilter(label="期限", method="filter_deadline", empty_label="全部",
                                           choices=[("overdue", "已超期（红）"), ("soon", "临期（黄）"), ("open", "未办结")])

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(**{f"{queryset.model.DATE_FIELD}__gte": value})

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(**{f"{queryset.model.DATE_FIELD}__lte": value})

    def filter_deadline(self, queryset, name, value):
        from django.utils import timezone

        from .models import DeadlineSettings

        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "soon":
            return queryset.due_soon(today, DeadlineSettings.current().warn_days)
        if value == "open":
            return queryset.open()
        return queryset
