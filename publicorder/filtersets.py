import django_filters
from django import forms

from ledger.filters import LedgerFilterSet
from units.filtersets import IdFilter

from .choices import ProblemCategory, ProblemSource, ProblemStatus, RiskLevel
from .models import PublicOrderProblem


class PublicOrderProblemFilterSet(LedgerFilterSet):
    category = django_filters.ChoiceFilter(label="问题类别", choices=ProblemCategory.choices, empty_label="全部类别")
    source = django_filters.ChoiceFilter(label="发现来源", choices=ProblemSource.choices, empty_label="全部来源")
    risk_level = django_filters.ChoiceFilter(label="风险等级", choices=RiskLevel.choices, empty_label="全部等级")
    status = django_filters.ChoiceFilter(label="状态", choices=ProblemStatus.choices, empty_label="全部状态")
    subject = IdFilter(field_name="subject_id", widget=forms.HiddenInput, label="")

    class Meta:
        model = PublicOrderProblem
        fields = [
            "q",
            "region",
            "category",
            "source",
            "risk_level",
            "status",
            "deadline",
            "date_from",
            "date_to",
            "subject",
        ]
