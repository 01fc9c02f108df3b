import django_filters

from ledger.filters import LedgerFilterSet

from .choices import DisputeCategory, DisputeSource, DisputeStatus, RiskColour
from .models import Dispute


class DisputeFilterSet(LedgerFilterSet):
    category = django_filters.ChoiceFilter(label="纠纷类别", choices=DisputeCategory.choices, empty_label="全部类别")
    status = django_filters.ChoiceFilter(label="状态", choices=DisputeStatus.choices, empty_label="全部状态")
    risk_colour = django_filters.ChoiceFilter(label="风险等级", choices=RiskColour.choices, empty_label="全部等级")
    source = django_filters.ChoiceFilter(label="来源", choices=DisputeSource.choices, empty_label="全部来源")

    class Meta:
        model = Dispute
        fields = [
            "q",
            "region",
            "category",
            "status",
            "risk_colour",
            "source",
            "deadline",
            "date_from",
            "date_to",
            "subject",
        ]
