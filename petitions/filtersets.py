import django_filters
from django import forms

from agency.choices import SecretaryLevel
from ledger.filters import LedgerFilterSet
from units.filtersets import PersonalDataFilter

from .choices import (
    AbnormalVisit,
    KeyFlag,
    PetitionChannel,
    PetitionLevel,
    PetitionSource,
    PetitionStatus,
    PetitionType,
    RepeatFlag,
)
from .models import Petition, key_q

NO_AGENT = "none"


class PetitionFilterSet(LedgerFilterSet):
    case_number = django_filters.CharFilter(
        label="信访件编号",
        field_name="case_number",
        lookup_expr="icontains",
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "编号或其中一段", "autocomplete": "off"}),
    )
    source = django_filters.ChoiceFilter(label="信访来源", choices=PetitionSource.choices, empty_label="全部来源")
    channel = django_filters.ChoiceFilter(label="信访形式", choices=PetitionChannel.choices, empty_label="全部形式")
    type = django_filters.ChoiceFilter(label="信访类型", choices=PetitionType.choices, empty_label="全部类型")
    status = django_filters.ChoiceFilter(label="状态", choices=PetitionStatus.choices, empty_label="全部状态")
    level_reached = django_filters.ChoiceFilter(label="到访层级", choices=PetitionLevel.choices, empty_label="全部层级")
    key = django_filters.ChoiceFilter(
        label="重点信访", choices=KeyFlag.choices, empty_label="全部", method="filter_key"
    )
    repeat = django_filters.ChoiceFilter(
        label="重复访", choices=RepeatFlag.choices, empty_label="全部", method="filter_repeat"
    )
    abnormal_visit = django_filters.ChoiceFilter(label="异常访", choices=AbnormalVisit.choices, empty_label="全部")
    person = PersonalDataFilter(
        label="身份证号/电话",
        hashes={"id_number_hash": "id_number", "phone_hash": "phone"},
        widget=forms.TextInput(attrs={"placeholder": "完整身份证号或联系电话", "autocomplete": "off"}),
    )
    agent_level = django_filters.ChoiceFilter(
        label="书记代办",
        method="filter_agent",
        empty_label="全部",
        choices=[*SecretaryLevel.choices, (NO_AGENT, "无代办")],
    )

    class Meta:
        model = Petition
        fields = [
            "q",
            "person",
            "case_number",
            "region",
            "source",
            "channel",
            "type",
            "status",
            "level_reached",
            "key",
            "abnormal_visit",
            "repeat",
            "agent_level",
            "deadline",
            "date_from",
            "date_to",
            "subject",
        ]

    def filter_key(self, queryset, name, value):
        return queryset.filter(key_q(value)) if value else queryset

    def filter_repeat(self, queryset, name, value):
        if value == RepeatFlag.YES:
            return queryset.filter(is_repeat=True)
        if value == RepeatFlag.NO:
            return queryset.filter(is_repeat=False)
        if value == RepeatFlag.SUSPECTED:
            return queryset.suspected_repeat(Petition.objects.for_user(getattr(self.request, "user", None)))
        return queryset

    def filter_agent(self, queryset, name, value):
        """书记代办 (agency records): the level of the secretary who took the petition on, or none."""
        if value == NO_AGENT:
            return queryset.exclude(agency__included=True)
        return queryset.filter(agency__included=True, agency__level=value) if value else queryset
