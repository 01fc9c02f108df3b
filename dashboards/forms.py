from django import forms

from .models import RULE_FIELDS, RuleSet


class RuleSetForm(forms.ModelForm):
    reason = forms.CharField(label="调整原因", max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "如：县委平安建设领导小组2026年第3次会议要求"}))

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
