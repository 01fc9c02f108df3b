from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone

from ledger.forms import LedgerFormMixin, StepForm, date_widget, not_in_future
from sanzero.forms import VersionedFormMixin

from .choices import AgreementType, DisputeStatus, HandlingTier, TransferTarget
from .models import MAX_LEVEL_DAYS, MIN_LEVEL_DAYS, Dispute, MediationLevel, tier_from_name


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MediationLevel) -> str:
        return f"{obj.name}（{obj.working_days}个工作日）"


class DisputeForm(LedgerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Dispute
        fields = [
            "subject",
            "found_on",
            "category",
            "source",
            "risk_colour",
            "people_count",
            "is_major",
            "handling_tier",
            "mediated_on",
            "parties",
            "summary",
            "remarks",
        ]
        widgets = {
            "found_on": date_widget(),
            "mediated_on": date_widget(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["people_count"].widget.attrs["min"] = 1
        self.fields["parties"].widget.attrs.setdefault("placeholder", "如：张三、李四")
        tier = self.fields["handling_tier"]
        tier.required = False
        tier.choices = [("", "按调解层级确定"), *HandlingTier.choices]
        first_row = [Column("subject", css_class="col-md-6"), Column("found_on", css_class="col-md-3")]
        if not self.instance.pk:
            # A new dispute starts at the ladder's first level (网格员首调) unless it was pushed to a higher one.
            ladder = MediationLevel.objects.order_by("order")
            self.fields["start_level"] = LevelChoiceField(
                queryset=ladder,
                label="起始调解层级",
                required=False,
                empty_label=None,
                help_text="一般从第一级开始；诉讼、警情、信访推送或部门移交的纠纷可直接从较高层级开始。",
            )
            first_row.append(Column("start_level", css_class="col-md-3"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(*first_row),
            Row(
                Column("category", css_class="col-md-3"),
                Column("source", css_class="col-md-3"),
                Column("risk_colour", css_class="col-md-3"),
                Column("people_count", css_class="col-md-3"),
            ),
            "parties",
            "summary",
            Row(
                Column("handling_tier", css_class="col-md-3"),
                Column("mediated_on", css_class="col-md-3"),
                Column("is_major", css_class="col-md-6 pt-md-4"),
            ),
            "remarks",
            "version",
        )

    def clean_found_on(self):
        day = not_in_future(self.cleaned_data["found_on"], "登记日期")
        obj = self.instance
        if obj.pk and day:
            if obj.resolved_on and day > obj.resolved_on:
                raise forms.ValidationError(f"登记日期不能晚于化解日期（{obj.resolved_on:%Y-%m-%d}）。")
            if day > obj.level_started_on and obj.escalations.exists():
                raise forms.ValidationError(f"登记日期不能晚于最近一次升级日期（{obj.level_started_on:%Y-%m-%d}）。")
        return day

    def clean_mediated_on(self):
        day = self.cleaned_data.get("mediated_on")
        if day is None:
            obj = self.instance
            if obj.pk and obj.mediated_on is not None and obj.status != DisputeStatus.MEDIATING:
                raise forms.ValidationError("已化解、调解不成或已移交的纠纷须有调处日期。")
            return None
        not_in_future(day, "调处日期")
        obj = self.instance
        if obj.pk and obj.resolved_on and day > obj.resolved_on:
            raise forms.ValidationError(f"调处日期不能晚于化解日期（{obj.resolved_on:%Y-%m-%d}）。")
        return day

    def clean(self):
        cleaned = super().clean()
        found, mediated = cleaned.get("found_on"), cleaned.get("mediated_on")
        if found and mediated and mediated < found:
            self.add_error("mediated_on", f"调处日期不能早于登记日期（{found:%Y-%m-%d}）。")
        if not cleaned.get("handling_tier"):
            # not chosen: the tier of the level it is (or starts) at (MediationLevel.tier)
            level = (
                self.instance.level
                if self.instance.pk
                else cleaned.get("start_level") or MediationLevel.objects.order_by("order").first()
            )
            cleaned["handling_tier"] = level.tier if level is not None else HandlingTier.VILLAGE
        return cleaned

    def clean_people_count(self):
        count = self.cleaned_data.get("people_count")
        if count is not None and count < 1:
            raise forms.ValidationError("涉及人数至少为1人。")
        return count

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"version", "start_level"}}
        if self.cleaned_data.get("start_level"):
            data["level"] = self.cleaned_data["start_level"]
        return data


class ResolveForm(StepForm):
    resolved_on = forms.DateField(label="化解日期", widget=date_widget())
    agreement_type = forms.ChoiceField(
        label="协议形式", choices=AgreementType.choices, widget=forms.RadioSelect, initial=AgreementType.WRITTEN
    )
    agreement = forms.CharField(
        label="协议内容",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明双方达成的协议内容及履行方式、期限；书面协议由当事人和调解员签名、调委会盖章。",
    )

    date_field, not_before = "resolved_on", ("found_on",)

    def clean_agreement(self):
        text = self.cleaned_data["agreement"].strip()
        if not text:
            raise forms.ValidationError("请填写协议内容。")
        return text


class MediateForm(StepForm):
    mediated_on = forms.DateField(
        label="调处日期",
        widget=date_widget(),
        help_text="组织当事人进行调解的日期。调处后达成协议的，再“登记化解”。",
    )
    note = forms.CharField(label="调处情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    date_field, not_before = "mediated_on", ("found_on",)


class FailForm(VersionedFormMixin, forms.Form):
    mediated_on = forms.DateField(
        label="调处日期",
        required=False,
        widget=date_widget(),
        help_text="组织调解的日期；不填按本级调解开始日期。",
    )
    note = forms.CharField(label="调解不成的原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj: Dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        if obj.mediated_on is not None:
            del self.fields["mediated_on"]  # recorded already (登记调处)
        else:
            self.fields["mediated_on"].initial = timezone.localdate()

    def clean_mediated_on(self):
        day = self.cleaned_data.get("mediated_on")
        if day is None:
            return None
        not_in_future(day, "调处日期")
        if day < self.obj.found_on:
            raise forms.ValidationError(f"调处日期不能早于登记日期（{self.obj.found_on:%Y-%m-%d}）。")
        return day


class TransferForm(VersionedFormMixin, forms.Form):
    transfer_to = forms.ChoiceField(label="移交去向", choices=[("", "请选择"), *TransferTarget.choices])
    note = forms.CharField(
        label="移交说明",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明引导或移交的机关（如某人民法院、某仲裁委、县信访局、某部门）及告知当事人情况。",
    )

    def __init__(self, *args, obj: Dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj


class EscalateForm(VersionedFormMixin, forms.Form):
    note = forms.CharField(
        label="升级原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：本级调解期限已满未能化解；当事人分歧较大需上级组织联合调解。",
    )

    def __init__(self, *args, obj: Dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        self.next_level = obj.level.next_level()
        if self.next_level is not None:
            self.fields["note"].help_text = (
                f"将由“{obj.level.name}”升级至“{self.next_level.name}”，本级期限重新起算"
                f"（{self.next_level.working_days}个工作日）。" + self.fields["note"].help_text
            )

    def clean(self):
        cleaned = super().clean()
        if self.next_level is None:
            raise forms.ValidationError(f"已是最高调解层级“{self.obj.level.name}”，不能再升级。")
        return cleaned


class FollowUpForm(StepForm):
    visited_on = forms.DateField(label="回访日期", widget=date_widget())
    performance_ok = forms.TypedChoiceField(
        label="协议履行情况",
        choices=[("1", "履行正常"), ("0", "未履行或有反复")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="回访情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    date_field, not_before = "visited_on", ("resolved_on",)


class MediationLevelForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = MediationLevel
        fields = ["order", "name", "working_days", "tier"]

    def __init__(self, *args, **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["working_days"].widget.attrs.update({"min": MIN_LEVEL_DAYS, "max": MAX_LEVEL_DAYS})
        self.fields["name"].widget.attrs["maxlength"] = 30
        self.fields["tier"].required = False
        self.fields["tier"].choices = [
            ("", "按层级名称判断" if not self.instance.pk else "（不变）"),
            *HandlingTier.choices,
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("order", css_class="col-md-3"),
                Column("name", css_class="col-md-5"),
                Column("working_days", css_class="col-md-4"),
            ),
            Row(Column("tier", css_class="col-md-5")),
            "version",
        )

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError("请填写层级名称。")
        clash = MediationLevel.objects.filter(name=name).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(f"已有名为“{name}”的调解层级。")
        return name

    def clean_order(self):
        order = self.cleaned_data.get("order")
        if order is None:
            return order
        clash = MediationLevel.objects.filter(order=order).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(f"排序号{order}已被“{clash.name}”使用，请换一个。")
        return order

    def clean_working_days(self):
        days = self.cleaned_data.get("working_days")
        if days is not None and not MIN_LEVEL_DAYS <= days <= MAX_LEVEL_DAYS:
            raise forms.ValidationError(f"调解时限应为{MIN_LEVEL_DAYS}–{MAX_LEVEL_DAYS}个工作日。")
        return days

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("tier"):  # not chosen: a new rung's from its name, a changed one keeps its own
            cleaned["tier"] = self.instance.tier or tier_from_name(cleaned.get("name") or "")
        return cleaned

    def validate_unique(self):
        pass  # clean_order / clean_name give the clerk-friendly messages; the database still enforces it

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
