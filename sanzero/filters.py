"""Filter pieces shared by every list: a FilterSet that knows the user, a region-with-subtree filter."""

import django_filters

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
                css = "form-select form-select-sm" if getattr(widget, "input_type", "") == "select" else "form-control form-control-sm"
                widget.attrs["class"] = css
            form._styled = True
        return form
