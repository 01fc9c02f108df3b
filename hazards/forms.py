from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone

from ledger.forms import LedgerFormMixin, StepForm, date_widget, not_in_future
from sanzero.forms import VersionedFormMixin
from units.filtersets import IdListField

from .choices import HazardLevel
from .models import PLAN_FIELDS, Accident, Hazard


class HazardForm(LedgerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Hazard
        fields = [
            "subject",
            "found_on",
            "category",
            "level",
            "description",
            "rectify_due",
            "responsible_person",
            "measures",
            *PLAN_FIELDS,
        ]
        widgets = {
            "found_on": date_widget(),
            "rectify_due": date_widget(),
            "plan_deadline": date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 2}),
            "plan_measures": forms.Textarea(attrs={"rows": 2}),
            "plan_contingency": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("subject", css_class="col-md-6"),
                Column("found_on", css_class="col-md-3"),
                Column("rectify_due", css_class="col-md-3"),
            ),
            Row(
                Column("category", css_class="col-md-4"),
                Column("level", css_class="col-md-4"),
                Column("responsible_person", css_class="col-md-4"),
            ),
            "description",
            "measures",
            Fieldset(
                "重大隐患“五落实”（重大隐患在登记整改完成前必须填写）",
                Row(
                    Column("plan_responsibility", css_class="col-md-6"),
                    Column("plan_funds", css_class="col-md-3"),
                    Column("plan_deadline", css_class="col-md-3"),
                ),
                "plan_measures",
                "plan_contingency",
                css_class="border rounded p-2 mb-2",
            ),
            "version",
        )

    def clean_found_on(self):
        return not_in_future(self.cleaned_data["found_on"], "发现日期")

    def clean(self):
        cleaned = super().clean()
        found_on, due = cleaned.get("found_on"), cleaned.get("rectify_due")
        if found_on and due and due < found_on:
            self.add_error("rectify_due", "整改期限不能早于发现日期。")
        plan_deadline = cleaned.get("plan_deadline")
        if found_on and plan_deadline and plan_deadline < found_on:
            self.add_error("plan_deadline", "时限落实不能早于发现日期。")
        return cleaned


class RectifyForm(StepForm):
    rectified_on = forms.DateField(label="整改完成日期", widget=date_widget())
    note = forms.CharField(
        label="整改情况说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    date_field, not_before = "rectified_on", ("found_on",)

    def __init__(self, *args, obj: Hazard, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj.level == HazardLevel.MAJOR and obj.missing_plan_fields():
            self.fields["rectified_on"].help_text = "该重大隐患“五落实”尚未填全：" + "、".join(
                obj.missing_plan_fields()
            )


class AcceptForm(StepForm):
    accepted_on = forms.DateField(label="验收日期", widget=date_widget())
    note = forms.CharField(label="验收意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    date_field, not_before = "accepted_on", ("rectified_on",)


class BulkAcceptForm(forms.Form):
    """批量验收: the checked hazards (ids) and the step data every one of them gets."""

    id = IdListField(label="所选隐患", error_messages={"required": "请先勾选要验收的隐患。"})
    accepted_on = forms.DateField(label="验收日期", widget=date_widget())
    note = forms.CharField(label="验收意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted_on"].initial = timezone.localdate()

    def clean_accepted_on(self):
        return not_in_future(self.cleaned_data["accepted_on"], "验收日期")


class RejectForm(VersionedFormMixin, forms.Form):
    note = forms.CharField(label="验收不通过的原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    rectify_due = forms.DateField(
        label="新的整改期限", required=False, widget=date_widget(), help_text="不填则沿用原整改期限。"
    )

    def __init__(self, *args, obj: Hazard, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj

    def clean_rectify_due(self):
        due = self.cleaned_data.get("rectify_due")
        if due and due < self.obj.found_on:
            raise forms.ValidationError("整改期限不能早于发现日期。")
        return due


class AccidentForm(LedgerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Accident
        fields = ["subject", "occurred_on", "kind", "deaths", "injuries", "serious_injuries", "direct_loss", "summary"]
        widgets = {"occurred_on": date_widget(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["serious_injuries"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("subject", css_class="col-md-6"),
                Column("occurred_on", css_class="col-md-3"),
                Column("kind", css_class="col-md-3"),
            ),
            Row(
                Column("deaths", css_class="col-md-3"),
                Column("injuries", css_class="col-md-3"),
                Column("serious_injuries", css_class="col-md-3"),
                Column("direct_loss", css_class="col-md-3"),
            ),
            "summary",
            "version",
        )

    def clean_occurred_on(self):
        return not_in_future(self.cleaned_data["occurred_on"], "发生日期")

    def clean_serious_injuries(self):
        value = self.cleaned_data.get("serious_injuries")
        return 0 if value is None else value  # optional: most accidents have none

    def clean(self):
        cleaned = super().clean()
        injuries, serious = cleaned.get("injuries"), cleaned.get("serious_injuries")
        if injuries is not None and serious is not None and serious > injuries:
            self.add_error("serious_injuries", "重伤人数不能多于受伤人数（受伤人数含重伤）。")
        return cleaned

    def clean_direct_loss(self):
        loss = self.cleaned_data.get("direct_loss")
        if loss is not None and loss < 0:
            raise forms.ValidationError("直接经济损失不能为负数。")
        return loss


class CloseAccidentForm(StepForm):
    closed_on = forms.DateField(label="结案日期", widget=date_widget())
    note = forms.CharField(label="处理结果", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    date_field, not_before = "closed_on", ("occurred_on",)
