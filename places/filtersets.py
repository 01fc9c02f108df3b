import django_filters
from django import forms

from ledger.filters import LedgerFilterSet
from units.filtersets import IdFilter, PersonalDataFilter

from .choices import PlaceCategory, PlaceStatus, RiskLevel
from .models import KeyPlace


class KeyPlaceFilterSet(LedgerFilterSet):
    category = django_filters.ChoiceFilter(label="场所类别", choices=PlaceCategory.choices, empty_label="全部类别")
    risk_level = django_filters.ChoiceFilter(label="风险等级", choices=RiskLevel.choices, empty_label="全部等级")
    status = django_filters.ChoiceFilter(label="状态", choices=PlaceStatus.choices, empty_label="全部状态")
    subject = IdFilter(field_name="subject_id", widget=forms.HiddenInput, label="")
    person = PersonalDataFilter(
        label="联系电话",
        hashes={"phone_hash": "phone"},
        widget=forms.TextInput(attrs={"placeholder": "完整联系电话", "autocomplete": "off"}),
    )

    class Meta:
        model = KeyPlace
        fields = [
            "q",
            "person",
            "region",
            "category",
            "risk_level",
            "status",
            "deadline",
            "date_from",
            "date_to",
            "subject",
        ]
