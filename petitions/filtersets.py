import django_filters
from django import forms

from ledger.filters import LedgerFilterSet
from units.filtersets import PersonalDataFilter

from .choices import AgentLevel, KeyFlag, PetitionChannel, PetitionLevel, PetitionStatus, PetitionType
from .models import Petition, key_q

NO_AGENT = "none"


class PetitionFilterSet(LedgerFilterSet):
    channel = django_filters.ChoiceFilter(label="信访形式", choices=PetitionChannel.choices, empty_label="全部形式")
    type = django_filters.ChoiceFilter(label="信访类型", choices=PetitionType.choices, empty_label="全部类型")
    status = django_filters.ChoiceFilter(label="状态", choices=PetitionStatus.choices, empty_label="全部状态")
    level_reached = django_filters.ChoiceFilter(label="到访层级", choices=PetitionLevel.choices, empty_label="全部层级")
    key = django_filters.ChoiceFilter(
        label="重点信访", choices=KeyFlag.choices, empty_label="全部", method="filter_key"
    )
    person = PersonalDataFilter(
        label="身份证号/电话",
        hashes={"id_number_hash": "id_number", "phone_hash": "phone"},
        widget=forms.TextInput(attrs={"placeholder": "完整身份证号或联系电话", "autocomplete": "off"}),
    )
    agent_level = django_filters.ChoiceFilter(
        label="书记代办", method="filter_agent", empty_label="全部", choices=[*AgentLevel.choices, (NO_AGENT, "无代办")]
    )

    class Meta:
        model = Petition
        fields = [
            "q",
            "person",
            "region",
            "channel",
            "type",
            "status",
            "level_reached",
            "key",
            "agent_level",
            "deadline",
            "date_from",
            "date_to",
            "subject",
        ]

    def filter_key(self, queryset, name, value):
        return queryset.filter(key_q(value)) if value else queryset

    def filter_agent(self, queryset, name, value):
        if value == NO_AGENT:
            return queryset.filter(agent_level="")
        return queryset.filter(agent_level=value) if value else queryset
