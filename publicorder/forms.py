from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from ledger.forms import LedgerFormMixin, StepForm, date_widget, not_in_future
from sanzero.forms import VersionedFormMixin

from .models import PublicOrderProblem

PROBLEM_FORM_FIELDS = [
    "subject",
    "found_on",
    "category",
    "source",
    "risk_level",
    "location",
    "description",
    "people_count",
    "lead_unit",
    "responsible_person",
    "measures",
    "rectify_due",
]


class PublicOrderProblemForm(LedgerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = PublicOrderProblem
        fields = PROBLEM_FORM_FIELDS
        widgets = {
            "found_on": date_widget(),
            "rectify_due": date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["people_count"].required = False
        self.fields["people_count"].widget.attrs.update({"min": 0})
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
                Column("source", css_class="col-md-4"),
                Column("risk_level", css_class="col-md-4"),
            ),
            Row(Column("location", css_class="col-md-8"), Column("people_count", css_class="col-md-4")),
            "description",
            Row(Column("lead_unit", css_class="col-md-6"), Column("responsible_person", css_class="col-md-6")),
            "measures",
            "version",
        )

    def clean_found_on(self):
        return not_in_future(self.cleaned_data["found_on"], "排查日期")

    def clean_people_count(self):
        value = self.cleaned_data.get("people_count")
        return 0 if value is None else value

    def clean(self):
        cleaned = super().clean()
        found_on, due = cleaned.get("found_on"), cleaned.get("rectify_due")
        if found_on and due and due < found_on:
            self.add_error("rectify_due", "整治期限不能早于排查日期。")
        return cleaned


class ResolveForm(StepForm):
    resolved_on = forms.DateField(label="解决日期", widget=date_widget())
    result = forms.CharField(
        label="整治结果",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：赌博窝点已取缔，出租人已签订治安责任书；经回访未再发生。",
    )
    date_field, not_before = "resolved_on", ("found_on",)


class TransferForm(StepForm):
    transferred_on = forms.DateField(label="移交日期", widget=date_widget())
    transferred_to = forms.CharField(label="移交单位", max_length=100, help_text="如：县公安局青石派出所（立案查处）")
    note = forms.CharField(label="移交说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    date_field, not_before = "transferred_on", ("found_on",)


class ReopenForm(VersionedFormMixin, forms.Form):
    note = forms.CharField(label="反弹情况", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    rectify_due = forms.DateField(label="新的整治期限", widget=date_widget())

    def __init__(self, *args, obj: PublicOrderProblem, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj

    def clean_rectify_due(self):
        due = self.cleaned_data.get("rectify_due")
        if due and due < self.obj.found_on:
            raise forms.ValidationError("整治期限不能早于排查日期。")
        return due
