from __future__ import annotations

from decimal import Decimal

from django import forms

from sanzero.xlsx.columns import parse_rate
from units.models import Region, TargetGroup

from .models import PRESETS, RULE_FIELDS, RulePreset, RuleSet, Target


class RuleSetForm(forms.ModelForm):
    """达标规则, 自定义调整: a group's predicates and the reason for the change."""

    reason = forms.CharField(
        label="调整原因",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：县委平安建设领导小组2026年第3次会议要求"}),
    )

    class Meta:
        model = RuleSet
        fields = list(RULE_FIELDS)

    def clean_collective_headcount(self):
        value = self.cleaned_data["collective_headcount"]
        if not 2 <= value <= 100:
            raise forms.ValidationError("集体访人数标准应在2到100之间。")
        return value

    def rule_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in RULE_FIELDS}

    def update_kwargs(self) -> dict:
        """What services.ruleset_update takes from this form."""
        return {"data": self.rule_data(), "reason": self.cleaned_data["reason"]}


class RulePresetForm(forms.Form):
    """达标规则, 套用预设口径: a preset (山西口径, 现行默认口径) and the reason (the service requires one when
    the rules change)."""

    preset = forms.ChoiceField(choices=[(k, RulePreset(k).label) for k in PRESETS])
    preset_reason = forms.CharField(required=False)

    def update_kwargs(self) -> dict:
        return {"data": {}, "preset": self.cleaned_data["preset"], "reason": self.cleaned_data["preset_reason"]}


class RateField(forms.CharField):
    """A target rate as typed, read as an import cell reads it (parse_rate): 80, 98.5, 1%, ９８.５％ or
    0.985 → the fraction to four places; empty → None."""

    default_error_messages = {"invalid": "请输入0–100之间的数字", "range": "应在0–100%之间"}

    def to_python(self, value) -> Decimal | None:
        raw = super().to_python(value)
        if raw == "":
            return None
        rate = parse_rate(raw)
        if rate is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not 0 <= rate <= 1:
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return rate


class TargetsForm(forms.Form):
    """年度目标: one rate cell per (region, group), named rate_<region id>_<group>, for a region and its
    children. An empty cell changes nothing (a township's empty cell uses its county's target).

    A plain form rather than a formset: the cells keep the names the page has always posted, and a
    formset's management form would add fields the page (and a script posting it) must send."""

    def __init__(self, data=None, *, regions: list[Region], targets: dict[tuple[int, str], Target]):
        super().__init__(data)
        self.regions = regions
        for region in regions:
            for group in TargetGroup.values:
                target = targets.get((region.pk, group))
                self.fields[self.cell_name(region, group)] = RateField(
                    required=False, initial=f"{target.rate * 100:.1f}" if target else ""
                )

    @staticmethod
    def cell_name(region: Region, group: str) -> str:
        return f"rate_{region.pk}_{group}"

    def rates(self) -> list[tuple[Region, str, Decimal]]:
        """The filled cells of a valid form: (region, group, rate)."""
        return [
            (region, group, rate)
            for region in self.regions
            for group in TargetGroup.values
            if (rate := self.cleaned_data[self.cell_name(region, group)]) is not None
        ]

    def rows(self) -> list[dict]:
        """The table: a row per region, a cell per group with its name, the value shown (as posted, else
        the saved target in percent) and its error."""
        rows = []
        for region in self.regions:
            cells = []
            for group in TargetGroup.values:
                name = self.cell_name(region, group)
                posted = self.data.get(name) if self.is_bound else None
                errors = self.errors.get(name) if self.is_bound else None
                cells.append(
                    {
                        "group": group,
                        "name": name,
                        "error": errors[0] if errors else None,
                        "value": posted if posted is not None else self.fields[name].initial,
                    }
                )
            rows.append({"region": region, "cells": cells})
        return rows
