import django_filters
from django import forms
from django.db.models import Q

from ledger.filters import LedgerFilterSet
from units.filtersets import IdFilter, PersonalDataFilter

from .choices import PersonCategory, PersonStatus, RiskLevel
from .models import KeyPerson


class KeyPersonFilterSet(LedgerFilterSet):
    q = django_filters.CharFilter(
        label="姓名或村(社区)",
        method="filter_q",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "完整姓名或村(社区)名称"}),
    )
    person = PersonalDataFilter(
        label="身份证号或电话",
        hashes={"id_number_hash": "id_number", "phone_hash": "phone"},
        widget=forms.TextInput(attrs={"placeholder": "完整身份证号或联系电话", "autocomplete": "off"}),
    )
    category = django_filters.ChoiceFilter(label="人员类别", choices=PersonCategory.choices, empty_label="全部类别")
    risk_level = django_filters.ChoiceFilter(label="风险等级", choices=RiskLevel.choices, empty_label="全部等级")
    status = django_filters.ChoiceFilter(label="状态", choices=PersonStatus.choices, empty_label="全部状态")
    keeper = django_filters.ChoiceFilter(
        label="包户",
        method="filter_keeper",
        choices=[("yes", "已落实包户"), ("no", "未落实包户")],
        empty_label="全部",
    )
    subject = IdFilter(field_name="subject_id", widget=forms.HiddenInput, label="")

    class Meta:
        model = KeyPerson
        fields = [
            "q",
            "person",
            "region",
            "category",
            "risk_level",
            "status",
            "keeper",
            "deadline",
            "date_from",
            "date_to",
            "subject",
        ]

    def filter_q(self, queryset, name, value):
        """A whole name (names are not searched by fragment: the list shows them masked), or a village."""
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name=value) | Q(subject__name__icontains=value))

    def filter_keeper(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(grid_worker__isnull=False)
        if value == "no":
            return queryset.filter(grid_worker__isnull=True)
        return queryset
