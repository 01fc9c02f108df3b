import django_filters

from ledger.filters import LedgerFilterSet

from .choices import (
    AccidentGrade,
    AccidentKind,
    AccidentStatus,
    HazardCategory,
    HazardLevel,
    HazardStatus,
    ListingStatus,
    ListingTier,
)
from .models import Accident, Hazard, HazardListing


class HazardFilterSet(LedgerFilterSet):
    category = django_filters.ChoiceFilter(label="隐患类别", choices=HazardCategory.choices, empty_label="全部类别")
    level = django_filters.ChoiceFilter(label="隐患等级", choices=HazardLevel.choices, empty_label="全部等级")
    status = django_filters.ChoiceFilter(label="状态", choices=HazardStatus.choices, empty_label="全部状态")

    class Meta:
        model = Hazard
        fields = ["q", "region", "category", "level", "status", "deadline", "date_from", "date_to", "subject"]


class AccidentFilterSet(LedgerFilterSet):
    kind = django_filters.ChoiceFilter(label="事故类型", choices=AccidentKind.choices, empty_label="全部类型")
    grade = django_filters.ChoiceFilter(label="事故等级", choices=AccidentGrade.choices, empty_label="全部等级")
    status = django_filters.ChoiceFilter(label="状态", choices=AccidentStatus.choices, empty_label="全部状态")
    casualties = django_filters.BooleanFilter(label="有人员伤亡", method="filter_casualties")
    deadline = None  # accidents have no deadline

    class Meta:
        model = Accident
        fields = ["q", "region", "kind", "grade", "status", "casualties", "date_from", "date_to", "subject"]

    def filter_casualties(self, queryset, name, value):
        from django.db.models import Q

        has = Q(deaths__gt=0) | Q(injuries__gt=0)
        return queryset.filter(has) if value else queryset.exclude(has)


class HazardListingFilterSet(LedgerFilterSet):
    tier = django_filters.ChoiceFilter(label="挂牌层级", choices=ListingTier.choices, empty_label="全部层级")
    status = django_filters.ChoiceFilter(label="状态", choices=ListingStatus.choices, empty_label="全部状态")
    lettered = django_filters.ChoiceFilter(
        label="督办函",
        choices=[("yes", "已发督办函"), ("no", "未发督办函")],
        empty_label="全部",
        method="filter_lettered",
    )

    class Meta:
        model = HazardListing
        fields = ["q", "region", "tier", "status", "deadline", "lettered", "date_from", "date_to", "subject"]

    def filter_lettered(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(letters_count__gt=0)
        if value == "no":
            return queryset.filter(letters_count=0)
        return queryset
