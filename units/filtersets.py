"""Filters of the subject list, and the pieces every list uses: a FilterSet that knows the user and a
region-with-subtree filter."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from sanzero.fields import search_hash_q
from sanzero.validators import MAX_PK, parse_bounded_int

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
        kwargs.setdefault("max_value", MAX_PK)  # DEFAULT_AUTO_FIELD is BigAutoField: a bigint key
        super().__init__(*args, **kwargs)


class IdListField(forms.Field):
    """Several row ids (?id=3&id=7, the checkboxes of a selection): whole numbers a bigint key holds,
    at most MAX of them; anything else makes the filter form invalid (an empty list), never a 500."""

    widget = forms.MultipleHiddenInput
    MAX = 500

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        if len(values) > self.MAX:
            raise forms.ValidationError(f"一次最多选择{self.MAX}条记录。", code="too_many")
        ids = []
        for raw in values:
            pk = parse_bounded_int(str(raw), low=1)
            if pk is None:
                raise forms.ValidationError("所选记录的编号无效。", code="invalid")
            ids.append(pk)
        return list(dict.fromkeys(ids))


class IdListFilter(django_filters.Filter):
    """The rows of a selection (批量导出 of the checked rows): ``pk IN (...)`` within the list's scope."""

    field_class = IdListField

    def filter(self, qs, value):
        return qs.filter(pk__in=value) if value else qs


class PersonalDataFilter(django_filters.CharFilter):
    """An exact ID number or phone (身份证号/联系电话), matched through the keyed hashes beside the
    encrypted columns (sanzero.crypto): `hashes` maps each hash field to its kind. Text that is
    neither matches nothing; the ciphertext is never compared."""

    def __init__(self, *args, hashes: dict[str, str], **kwargs):
        self.hashes = hashes
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        q = search_hash_q(self.hashes, value)
        return qs.filter(q) if q is not None else qs.none()


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
        label="名称/信用代码/电话",
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": "名称、统一社会信用代码或完整联系电话"}),
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
        q = Q(name__icontains=value) | Q(credit_code__icontains=value.upper())
        phone = search_hash_q({"phone_hash": "phone"}, value)  # the phone is encrypted: its exact hash
        return queryset.filter(q | phone if phone is not None else q)

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "active":
            return queryset.filter(active_q(today))
        if value == "left":
            return queryset.exclude(active_q(today))
        return queryset
