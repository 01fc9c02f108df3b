import django_filters
from django import forms

from ledger.filters import LedgerFilterSet
from units.filtersets import IdFilter

from .choices import CaseKind, CaseStatus
from .models import PoliceCase

YES_NO = [("yes", "是"), ("no", "否")]


class PoliceCaseFilterSet(LedgerFilterSet):
    kind = django_filters.ChoiceFilter(label="案件类别", choices=CaseKind.choices, empty_label="全部类别")
    major = django_filters.ChoiceFilter(label="重大影响", choices=YES_NO, empty_label="全部", method="filter_major")
    status = django_filters.ChoiceFilter(label="状态", choices=CaseStatus.choices, empty_label="全部状态")
    breaks_zero = django_filters.ChoiceFilter(
        label="影响三零", choices=YES_NO, empty_label="全部", method="filter_breaks_zero"
    )
    # The kernel's generic list page prints a label for every field, hidden ones too: no stray “创建主体”.
    subject = IdFilter(field_name="subject_id", widget=forms.HiddenInput, label="")
    # Cases have no handling deadline: the kernel's 期限 filter would be meaningless here.
    deadline = None

    class Meta:
        model = PoliceCase
        fields = ["q", "region", "kind", "major", "status", "breaks_zero", "date_from", "date_to", "subject"]

    def filter_major(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(major_influence=True)
        if value == "no":
            return queryset.filter(major_influence=False)
        return queryset

    def filter_breaks_zero(self, queryset, name, value):
        if value in ("yes", "no"):
            return queryset.breaking_zero_case(value == "yes")
        return queryset
