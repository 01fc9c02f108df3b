from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Layout, Row
from django import forms

from ledger.forms import LedgerFormMixin, StepForm, date_widget, not_in_future
from sanzero.forms import VersionedFormMixin

from .choices import CaseKind
from .models import PoliceCase

# The generic form page does not render {{ form.media }}, so the small script that hides
# “是否有重大影响” for 刑事 cases is included from the layout. Without it the box stays visible and
# the server ignores it for 刑事 cases.
KIND_SCRIPT = HTML('{% load static %}<script src="{% static "cases/case_form.js" %}" defer></script>')


class PoliceCaseForm(LedgerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = PoliceCase
        fields = ["subject", "occurred_on", "kind", "major_influence", "case_no", "cause", "unit", "summary"]
        widgets = {"occurred_on": date_widget(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["kind"].widget.attrs["data-case-kind"] = "1"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("subject", css_class="col-md-6"),
                Column("occurred_on", css_class="col-md-3"),
                Column("kind", css_class="col-md-3"),
            ),
            Div("major_influence", css_id="major-influence-box", css_class="mb-2"),
            Row(
                Column("case_no", css_class="col-md-4"),
                Column("cause", css_class="col-md-4"),
                Column("unit", css_class="col-md-4"),
            ),
            "summary",
            "version",
            KIND_SCRIPT,
        )

    def clean_occurred_on(self):
        return not_in_future(self.cleaned_data["occurred_on"], "发案日期")

    def clean_case_no(self):
        return (self.cleaned_data.get("case_no") or "").strip() or None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == CaseKind.CRIMINAL:
            # Only meaningful for 治安: every 刑事 case counts against 零案件 anyway.
            cleaned["major_influence"] = False
        return cleaned


class SolveForm(StepForm):
    solved_on = forms.DateField(label="破案日期", widget=date_widget())
    note = forms.CharField(label="破案情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    date_field, not_before = "solved_on", ("occurred_on",)


class CloseCaseForm(StepForm):
    closed_on = forms.DateField(label="结案日期", widget=date_widget())
    note = forms.CharField(
        label="处理结果",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：移送审查起诉、作出行政拘留处罚、调解处理。",
    )
    date_field, not_before = "closed_on", ("occurred_on", "solved_on")
