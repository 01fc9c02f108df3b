from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from ledger.forms import LedgerFormMixin, StepForm, date_widget, not_in_future
from sanzero.forms import MaskedPersonalFieldsMixin, VersionedFormMixin
from sanzero.validators import mask_phone, normalize_phone, validate_phone

from .choices import DEFAULT_INSPECT_DAYS
from .models import KeyPlace


class KeyPlaceForm(MaskedPersonalFieldsMixin, LedgerFormMixin, VersionedFormMixin, forms.ModelForm):
    personal_masks = {"phone": mask_phone}

    class Meta:
        model = KeyPlace
        fields = [
            "subject",
            "registered_on",
            "name",
            "category",
            "address",
            "responsible_person",
            "phone",
            "risk_level",
            "inspect_every_days",
        ]
        widgets = {"registered_on": date_widget()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        days = self.fields["inspect_every_days"]
        days.widget.attrs.update({"min": 1, "max": 365})
        days.required = False
        days.help_text = "每隔多少天检查一次；不填按风险等级：高7天、中30天、低90天。逾期未检查的列入督办。"
        if not self.instance.pk:
            self.initial["inspect_every_days"] = None  # blank: the risk level's period (clean_inspect_every_days)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("subject", css_class="col-md-6"),
                Column("registered_on", css_class="col-md-3"),
                Column("category", css_class="col-md-3"),
            ),
            Row(
                Column("name", css_class="col-md-6"),
                Column("risk_level", css_class="col-md-3"),
                Column("inspect_every_days", css_class="col-md-3"),
            ),
            "address",
            Row(Column("responsible_person", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
            "version",
        )
        self.mask_personal_fields()

    def clean_registered_on(self):
        return not_in_future(self.cleaned_data["registered_on"], "登记日期")

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data.get("phone") or "")
        if phone:
            validate_phone(phone)
        return self.kept_personal_value("phone", phone)

    def clean_inspect_every_days(self):
        days = self.cleaned_data.get("inspect_every_days")
        if days is None:
            return DEFAULT_INSPECT_DAYS.get(self.cleaned_data.get("risk_level"), 30)
        if not 1 <= days <= 365:
            raise forms.ValidationError("检查周期应在1到365天之间。")
        return days


class InspectForm(StepForm):
    inspected_on = forms.DateField(label="检查日期", widget=date_widget())
    finding = forms.CharField(label="检查情况", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    problems_found = forms.BooleanField(label="发现问题（需整改的登记为安全隐患）", required=False)
    date_field, not_before = "inspected_on", ("registered_on",)


class RetireForm(StepForm):
    retired_on = forms.DateField(label="撤管日期", widget=date_widget())
    note = forms.CharField(label="撤管原因", max_length=300, help_text="如：场所已停业、已拆除、风险已消除。")
    date_field, not_before = "retired_on", ("registered_on",)
