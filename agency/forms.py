from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone

from ledger.forms import not_in_future
from sanzero.forms import VersionedFormMixin, date_widget

from .choices import NEXT_LEVEL, AgencyOutcome, AgencySource, SecretaryLevel
from .models import Agency

AGENCY_FORM_FIELDS = ["source", "assigned_by", "included", "not_included_reason", "level", "secretary", "taken_on"]


class AgencyForm(VersionedFormMixin, forms.ModelForm):
    """登记/修改书记代办. The matter (a petition or a dispute) is the view's: chosen on its page."""

    class Meta:
        model = Agency
        fields = AGENCY_FORM_FIELDS
        widgets = {"taken_on": date_widget(), "not_included_reason": forms.TextInput()}

    def __init__(self, *args, user=None, matter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.matter = matter
        if not self.instance.pk:
            self.fields["taken_on"].initial = timezone.localdate()
            if getattr(matter, "source", "") == "上级交办":
                self.fields["source"].initial = AgencySource.ASSIGNED
        self.fields["level"].choices = [("", "请选择"), *SecretaryLevel.choices]
        self.fields["level"].help_text = "村(社区)、乡镇(街道)、县、市四级党组织书记；本级解决不了的逐级上报。"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("source", css_class="col-md-4"), Column("assigned_by", css_class="col-md-8")),
            Fieldset(
                "是否纳入代办（上级交办件）",
                Row(Column("included", css_class="col-md-4"), Column("not_included_reason", css_class="col-md-8")),
                css_class="border rounded p-2 mb-2",
            ),
            Row(
                Column("level", css_class="col-md-4"),
                Column("secretary", css_class="col-md-4"),
                Column("taken_on", css_class="col-md-4"),
            ),
            "version",
        )

    def clean_taken_on(self):
        return not_in_future(self.cleaned_data["taken_on"], "列入日期")

    def clean(self):
        cleaned = super().clean()
        source, included = cleaned.get("source"), cleaned.get("included")
        if source == AgencySource.SELF_CHECK and not included:
            self.add_error("included", "本级自查的事项均纳入代办。")
        elif included:
            if not cleaned.get("level"):
                self.add_error("level", "纳入代办的，请选择代办书记层级。")
            if not (cleaned.get("secretary") or "").strip():
                self.add_error("secretary", "纳入代办的，请填写代办书记姓名。")
        elif not (cleaned.get("not_included_reason") or "").strip():
            self.add_error("not_included_reason", "未纳入代办的，请说明原因。")
        return cleaned

    def _post_clean(self):
        # the matter is set by the view, not a form field: the model's checks need it on the instance
        if self.matter is not None and not self.instance.pk:
            setattr(self.instance, self.matter._meta.model_name, self.matter)
        super()._post_clean()

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class EscalateForm(VersionedFormMixin, forms.Form):
    secretary = forms.CharField(label="接办书记姓名", max_length=50)
    on = forms.DateField(label="上报日期", widget=date_widget())
    note = forms.CharField(
        label="上报说明",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="本级未能解决的原因，需上级协调的事项。",
    )

    def __init__(self, *args, obj: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        upper = NEXT_LEVEL.get(obj.level)
        if upper:
            self.fields["secretary"].label = f"接办的{SecretaryLevel(upper).label}"
        self.fields["on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_on(self):
        day = not_in_future(self.cleaned_data["on"], "上报日期")
        if day < self.obj.taken_on:
            raise forms.ValidationError(f"上报日期不能早于列入日期（{self.obj.taken_on:%Y-%m-%d}）。")
        return day


class FinishForm(VersionedFormMixin, forms.Form):
    finished_on = forms.DateField(label="办结日期", widget=date_widget())
    outcome = forms.ChoiceField(label="办理结果", choices=[("", "请选择"), *AgencyOutcome.choices])
    note = forms.CharField(label="办理情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        self.fields["finished_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_finished_on(self):
        day = not_in_future(self.cleaned_data["finished_on"], "办结日期")
        if day < self.obj.taken_on:
            raise forms.ValidationError(f"办结日期不能早于列入日期（{self.obj.taken_on:%Y-%m-%d}）。")
        return day
