from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.urls import reverse
from django.utils.html import format_html

from ledger.forms import LedgerFormMixin, StepForm, date_widget, not_in_future
from sanzero.forms import MaskedPersonalFieldsMixin, VersionedFormMixin
from sanzero.models import DeadlineSettings
from sanzero.validators import normalize_phone, validate_id_number, validate_phone

from .choices import ABNORMAL_VISIT_LEVEL, AbnormalVisit, PetitionLevel, PetitionSource, Satisfaction
from .models import LEGAL_MAX_EXTENSION_DAYS, Petition
from .privacy import PERSONAL_MASKS

PETITION_FORM_FIELDS = [
    "subject",
    "case_number",
    "received_on",
    "source",
    "channel",
    "type",
    "petitioner_name",
    "id_number",
    "phone",
    "headcount",
    "level_reached",
    "is_skip_level",
    "is_abnormal",
    "abnormal_visit",
    "is_repeat",
    "content",
    "responsible_unit",
    "lead_official",
]
#: 到访层级 from the lowest to the highest
LEVEL_ORDER = list(PetitionLevel.values)


def repeat_hint_box(instance) -> HTML:
    """The box where the system's 重复访 suggestion appears: htmx posts the ID number and the date to
    petitions:repeat_check whenever either changes (and once on load, for an edit)."""
    return HTML(
        format_html(
            '<div id="repeat-hint" class="mb-2" hx-post="{}" hx-trigger="load, change from:#id_id_number, '
            'change from:#id_received_on" hx-include="#id_id_number, #id_received_on" hx-vals=\'{{"petition": "{}"}}\' '
            'aria-live="polite"></div>',
            reverse("petitions:repeat_check"),
            instance.pk or "",
        )
    )


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


class PetitionForm(MaskedPersonalFieldsMixin, LedgerFormMixin, VersionedFormMixin, forms.ModelForm):
    personal_masks = PERSONAL_MASKS

    class Meta:
        model = Petition
        fields = PETITION_FORM_FIELDS
        widgets = {
            "received_on": date_widget(),
            "content": forms.Textarea(attrs={"rows": 5}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "headcount": forms.NumberInput(attrs={"min": 1}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        threshold = DeadlineSettings.current().petition_collective_headcount
        self.fields["headcount"].help_text = f"同一事项共同信访的人数；{threshold}人及以上计为集体访。"
        self.fields["is_skip_level"].help_text = "越过有权处理的本级和上一级机关，到更高层级信访。"
        self.fields["is_abnormal"].help_text = "有信访工作条例第二十六条所列行为的（如缠访闹访、聚集滋事）。"
        self.fields["id_number"].help_text = "选填，18位，校验位须正确。"
        self.fields["phone"].help_text = "选填，手机号11位或固定电话（如0351-1234567）。"
        self.fields[
            "abnormal_visit"
        ].help_text = "非正常访到达的层级（进京、进省、进市、进县），须同时勾选“是否非正常访”。"
        self.fields[
            "is_repeat"
        ].help_text = "同一信访人就同一事项本年度再次信访。填写身份证号后，系统列出其本年度已登记的信访供核对。"
        self.fields["abnormal_visit"].choices = [("", "无"), *AbnormalVisit.choices]
        # 信访来源 defaults to 本级受理: a form (or an older client) that does not send it means that
        self.fields["source"].required = False
        self.mask_personal_fields()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("subject", css_class="col-md-6"),
                Column("received_on", css_class="col-md-3"),
                Column("channel", css_class="col-md-3"),
            ),
            Row(
                Column("case_number", css_class="col-md-6"),
                Column("source", css_class="col-md-3"),
                Column("type", css_class="col-md-3"),
            ),
            Row(
                Column("level_reached", css_class="col-md-3"),
                Column("headcount", css_class="col-md-9"),
            ),
            Fieldset(
                "信访人（个人信息，列表和详情默认脱敏显示）",
                Row(
                    Column("petitioner_name", css_class="col-md-4"),
                    Column("id_number", css_class="col-md-4"),
                    Column("phone", css_class="col-md-4"),
                ),
                css_class="border rounded p-2 mb-2",
            ),
            Row(
                Column("is_skip_level", css_class="col-md-4"),
                Column("is_abnormal", css_class="col-md-4"),
                Column("abnormal_visit", css_class="col-md-4"),
            ),
            Fieldset(
                "重复访",
                "is_repeat",
                repeat_hint_box(self.instance),
                css_class="border rounded p-2 mb-2",
            ),
            "content",
            Fieldset(
                "责任落实（选填）",
                Row(Column("responsible_unit", css_class="col-md-8"), Column("lead_official", css_class="col-md-4")),
                css_class="border rounded p-2 mb-2",
            ),
            "version",
        )

    def clean_received_on(self):
        return not_in_future(self.cleaned_data["received_on"], "登记日期")

    def clean_petitioner_name(self):
        return self.kept_personal_value("petitioner_name", (self.cleaned_data.get("petitioner_name") or "").strip())

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if value:
            validate_id_number(value)
        return self.kept_personal_value("id_number", value)

    def clean_phone(self):
        value = normalize_phone(self.cleaned_data.get("phone"))
        if value:
            validate_phone(value)
        return self.kept_personal_value("phone", value)

    def clean_source(self):
        return self.cleaned_data.get("source") or PetitionSource.LOCAL

    def clean_case_number(self):
        number = (self.cleaned_data.get("case_number") or "").strip()
        if number and Petition.objects.filter(case_number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("该信访件编号已被其他信访使用。")
        return number

    def clean(self):
        cleaned = super().clean()
        received = cleaned.get("received_on")
        instance = self.instance
        if received and instance.pk:
            for field, label in (("notified_on", "告知日期"), ("replied_on", "答复日期"), ("closed_on", "办结日期")):
                day = getattr(instance, field)
                if day and received > day:
                    self.add_error("received_on", f"登记日期不能晚于已记录的{label}（{day:%Y-%m-%d}）。")
                    break
        if cleaned.get("is_skip_level") and cleaned.get("level_reached") == PetitionLevel.TOWNSHIP:
            self.add_error("is_skip_level", "越级访至少到达县级，请先选择到访层级。")
        visit, level = cleaned.get("abnormal_visit"), cleaned.get("level_reached")
        if visit:
            if not cleaned.get("is_abnormal"):
                self.add_error("is_abnormal", f"记录了{visit}异常访，应同时勾选“是否非正常访”。")
            least = ABNORMAL_VISIT_LEVEL[visit]
            if level in LEVEL_ORDER and LEVEL_ORDER.index(level) < LEVEL_ORDER.index(least):
                self.add_error("level_reached", f"{visit}异常访的到访层级至少为“{PetitionLevel(least).label}”。")
        return cleaned


class NotifyForm(StepForm):
    notified_on = forms.DateField(label="告知日期", widget=date_widget())
    note = forms.CharField(
        label="告知情况",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：已书面告知受理情况及办理程序。",
    )

    date_field, not_before = "notified_on", ("received_on",)

    def __init__(self, *args, obj: Petition, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj.notify_due:
            self.fields["notified_on"].help_text = f"告知期限：{obj.notify_due:%Y-%m-%d}（登记后15日内）。"


class ExtendForm(StepForm):
    days = forms.IntegerField(label="延期天数", min_value=1)
    reason = forms.CharField(
        label="延期理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="经本机关负责人批准，并告知信访人延期理由。",
    )

    def __init__(self, *args, obj: Petition, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.max_days = min(DeadlineSettings.current().petition_extend_max_days, LEGAL_MAX_EXTENSION_DAYS)
        self.fields["days"].max_value = self.max_days
        self.fields["days"].widget.attrs.update({"min": 1, "max": self.max_days})
        self.fields["days"].initial = self.max_days
        self.fields["days"].help_text = (
            f"最长{self.max_days}日，只能延期一次。当前办结期限：{obj.handle_due:%Y-%m-%d}。"
            if obj.handle_due
            else f"最长{self.max_days}日，只能延期一次。"
        )

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > self.max_days:
            raise forms.ValidationError(f"延期不能超过{self.max_days}日。")
        return days

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError("请填写延期理由。")
        return reason


class ReplyForm(StepForm):
    replied_on = forms.DateField(label="答复日期", widget=date_widget())
    note = forms.CharField(
        label="答复意见",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="信访处理意见书的要点。",
    )

    date_field, not_before = "replied_on", ("received_on",)


class CloseForm(StepForm):
    closed_on = forms.DateField(label="办结日期", widget=date_widget())
    satisfaction = forms.ChoiceField(label="信访人满意度", choices=[("", "请选择"), *Satisfaction.choices])
    note = forms.CharField(label="办结情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    date_field, not_before = "closed_on", ("replied_on", "received_on")

    def __init__(self, *args, obj: Petition, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.fields["satisfaction"].error_messages["required"] = "办结须填写信访人满意度。"
