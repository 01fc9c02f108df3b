from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone

from ledger.forms import LedgerFormMixin, StepForm, date_widget, not_in_future
from sanzero.forms import VersionedFormMixin
from units.filtersets import IdListField

from .choices import LISTING_ACTIVE, HazardLevel, HazardStatus
from .models import LISTING_PLAN_FIELDS, PLAN_FIELDS, Accident, Hazard, HazardListing


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


# --- 挂牌督办 ------------------------------------------------------------------------------------------

#: what only the listing body (county staff) fills in or changes: the listing itself
LISTING_META_FIELDS = ("tier", "notice_number", "listed_on", "deadline", "requirement")


def listable_hazards(user):
    """The 重大 hazards the user may list: in scope, still 整改中, not listed at present."""
    return (
        Hazard.objects.for_user(user)
        .filter(level=HazardLevel.MAJOR, status=HazardStatus.RECTIFYING)
        .exclude(listings__status__in=LISTING_ACTIVE)
        .select_related("subject")
        .order_by("-found_on", "-pk")
    )


class HazardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Hazard) -> str:
        return f"{obj.subject.name}·{obj.get_category_display()}：{obj.description[:30]}（{obj.found_on:%Y-%m-%d}发现）"


class ListingForm(VersionedFormMixin, forms.ModelForm):
    """挂牌 (county staff) and the listing's edit page. County staff change everything; the township's
    users fill in and change the 五落实 only (the listing's own fields are shown, not editable)."""

    class Meta:
        model = HazardListing
        fields = ["hazard", *LISTING_META_FIELDS, *LISTING_PLAN_FIELDS]
        widgets = {
            "listed_on": date_widget(),
            "deadline": date_widget(),
            "plan_deadline": date_widget(),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "contingency": forms.Textarea(attrs={"rows": 2}),
            "requirement": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        from sanzero.scoping import user_scope

        from .workflow import LIST_ROLES

        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["hazard"] = HazardChoiceField(
            queryset=Hazard.objects.for_user(user).select_related("subject") if editing else listable_hazards(user),
            label="重大隐患",
            empty_label="请选择整改中的重大隐患",
            help_text="只能选择管辖范围内整改中、尚未挂牌的重大隐患。",
            error_messages={
                "invalid_choice": "所选隐患不是可挂牌的重大隐患（须为整改中的重大隐患，且未在挂牌督办中）。"
            },
        )
        if editing:
            self.fields["hazard"].disabled = True
        if user_scope(user).role not in LIST_ROLES:
            for name in LISTING_META_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "由挂牌的安委会办公室（县平安办）填写。"
        if not editing:
            self.initial.setdefault("listed_on", timezone.localdate())
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.widget.attrs.setdefault("maxlength", field.max_length)
        self.fields["funds"].widget.attrs.update({"min": 0, "step": "0.01"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "hazard",
            Row(
                Column("tier", css_class="col-md-3"),
                Column("notice_number", css_class="col-md-3"),
                Column("listed_on", css_class="col-md-3"),
                Column("deadline", css_class="col-md-3"),
            ),
            "requirement",
            Fieldset(
                "“五落实”（责任、措施、资金、时限、预案；登记整改完成前必须落实）",
                Row(
                    Column("duty_unit", css_class="col-md-4"),
                    Column("duty_person", css_class="col-md-4"),
                    Column("duty_leader", css_class="col-md-4"),
                ),
                "measures",
                Row(
                    Column("funds", css_class="col-md-4"),
                    Column("funds_source", css_class="col-md-4"),
                    Column("plan_deadline", css_class="col-md-4"),
                ),
                "contingency",
                css_class="border rounded p-2 mb-2",
            ),
            "version",
        )

    def clean_listed_on(self):
        return not_in_future(self.cleaned_data["listed_on"], "挂牌日期")

    def clean_notice_number(self):
        return (self.cleaned_data.get("notice_number") or "").strip()

    def clean_funds(self):
        funds = self.cleaned_data.get("funds")
        if funds is not None and funds < 0:
            raise forms.ValidationError("整改资金不能为负数。")
        return funds

    def clean(self):
        cleaned = super().clean()
        hazard, listed_on = cleaned.get("hazard"), cleaned.get("listed_on")
        deadline, plan_deadline = cleaned.get("deadline"), cleaned.get("plan_deadline")
        if hazard is not None and listed_on is not None:
            if listed_on < hazard.found_on:
                self.add_error("listed_on", f"挂牌日期不能早于隐患发现日期（{hazard.found_on:%Y-%m-%d}）。")
            else:
                error = hazard.subject.period_error(listed_on, "挂牌日期")
                if error:
                    self.add_error("listed_on", error)
        if listed_on and deadline and deadline < listed_on:
            self.add_error("deadline", "整改时限不能早于挂牌日期。")
        if plan_deadline and deadline and plan_deadline > deadline:
            self.add_error("plan_deadline", f"计划完成日期不能晚于整改时限（{deadline:%Y-%m-%d}）。")
        if plan_deadline and listed_on and plan_deadline < listed_on:
            self.add_error("plan_deadline", "计划完成日期不能早于挂牌日期。")
        return cleaned


class ListingImportForm(ListingForm):
    """A listing row of an Excel sheet (hazards.imports.ListingSheet): the hazard is named by its subject
    (the row's 所属区划代码 + 主体名称, given as ``subject``), its 发现日期 and its 隐患描述."""

    hazard_found_on = forms.DateField(label="隐患发现日期")
    hazard_description = forms.CharField(label="隐患描述", max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.hazard_field = self.fields.pop("hazard")

    def clean(self):
        found_on, description = self.cleaned_data.get("hazard_found_on"), self.cleaned_data.get("hazard_description")
        if self.instance.pk is not None:
            self.cleaned_data["hazard"] = self.instance.hazard
        elif found_on and description:
            candidates = list(
                self.hazard_field.queryset.filter(
                    subject_id=self.data.get("subject"), found_on=found_on, description=description.strip()
                )[:2]
            )
            if len(candidates) == 1:
                self.cleaned_data["hazard"] = candidates[0]
            else:
                exists = Hazard.objects.for_user(self.user).filter(
                    subject_id=self.data.get("subject"), found_on=found_on, description=description.strip()
                )
                if len(candidates) > 1:
                    message = "该主体当天有多条相同描述的重大隐患，无法确定挂牌哪一条，请在系统中挂牌"
                elif exists.exists():
                    message = "该隐患不能挂牌：须为整改中的重大隐患，且不在挂牌督办中"
                else:
                    message = "该主体没有这一天发现、描述相同的安全隐患，请先导入或登记该隐患"
                self.add_error("hazard_description", message)
        cleaned = super().clean()
        for name in ("hazard_found_on", "hazard_description"):
            cleaned.pop(name, None)
        return cleaned


class ListingRectifyForm(StepForm):
    rectified_on = forms.DateField(label="整改完成日期", widget=date_widget())
    report = forms.CharField(
        label="整改情况",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="整改措施落实情况、隐患消除情况；整改后照片可一并上传。",
    )
    date_field, not_before = "rectified_on", ("listed_on",)

    def __init__(self, *args, obj: HazardListing, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        missing = obj.missing_plan()
        if missing:
            self.fields["rectified_on"].help_text = "“五落实”尚未落实：" + "、".join(missing) + "（请先修改补全）"


class ListingReviewForm(StepForm):
    """初审 or 验收, passed or not: the approval record's date, unit, members and opinion."""

    reviewed_on = forms.DateField(label="日期", widget=date_widget())
    unit = forms.CharField(label="审核单位", max_length=100)
    members = forms.CharField(label="参加人员", max_length=200, required=False)
    opinion = forms.CharField(label="意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    date_field = "reviewed_on"
    #: the step this form records: its labels and its floor date
    stage_label, floor, passed = "初审", ("rectified_on",), True

    def __init__(self, *args, obj: HazardListing, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.not_before = self.floor
        stage = self.stage_label
        self.fields["reviewed_on"].label = f"{stage}日期"
        self.fields["unit"].label = f"{stage}单位"
        self.fields["unit"].help_text = (
            "如：乡镇安监站、行业主管部门" if stage == "初审" else "如：县安委会办公室、县应急管理局"
        )
        self.fields["unit"].error_messages["required"] = f"{stage}单位为必填项，请填写。"
        self.fields["reviewed_on"].error_messages["required"] = f"{stage}日期为必填项，请填写。"
        self.fields["members"].label = f"{stage}人员" if stage == "初审" else "验收组成员"
        self.fields["opinion"].label = f"{stage}意见"
        if not self.passed:
            self.fields["opinion"].required = True
            self.fields["opinion"].label = f"{stage}不通过的原因"
            self.fields["opinion"].error_messages["required"] = f"{stage}不通过须说明原因，请填写。"
            self.fields["deadline"] = forms.DateField(
                label="新的整改时限", required=False, widget=date_widget(), help_text="不填则沿用原整改时限。"
            )

    def clean_deadline(self):
        day = self.cleaned_data.get("deadline")
        if day and day < self.obj.listed_on:
            raise forms.ValidationError("整改时限不能早于挂牌日期。")
        return day


class ListingReviewRejectForm(ListingReviewForm):
    passed = False


class ListingAcceptForm(ListingReviewForm):
    stage_label, floor = "验收", ("reviewed_on",)


class ListingAcceptRejectForm(ListingReviewForm):
    stage_label, floor, passed = "验收", ("reviewed_on",), False


class ListingDelistForm(StepForm):
    delisted_on = forms.DateField(label="摘牌日期", widget=date_widget())
    delist_number = forms.CharField(label="摘牌文号", max_length=50, required=False, help_text="如：青安委〔2026〕8号")
    date_field, not_before = "delisted_on", ("accepted_on",)


class ListingLetterForm(VersionedFormMixin, forms.Form):
    content = forms.CharField(
        label="督办意见",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不填则为：逾期未完成整改，限期整改到位并书面报告。",
    )
