from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from sanzero.forms import MaskedPersonalFieldsMixin, PickerFieldMixin, PickerSelect, VersionedFormMixin, date_widget
from sanzero.scoping import user_may
from sanzero.validators import (
    credit_code_checksum_ok,
    credit_code_format_ok,
    mask_phone,
    normalize_credit_code,
    normalize_phone,
    validate_credit_code_format,
    validate_phone,
)

from .models import Category, Department, Region, RegionLevel, Subject
from .selectors import region_paths

OUT_OF_SCOPE = "所选{what}不在您的管辖范围内或已不存在，请重新选择。"
#: the precision subject coordinates are stored with (units.Subject.longitude/latitude)
COORDINATE_STEP = Decimal("0.000001")


def picker_errors(label: str, what: str) -> dict:
    """A picker's messages: what is missing, and a forged or out-of-scope choice."""
    return {"required": f"{label}为必填项，请选择。", "invalid_choice": OUT_OF_SCOPE.format(what=what)}


def subject_choice_label(obj: Subject) -> str:
    """How a subject reads in a picker: its name, its region, and its period when it is not current."""
    label = f"{obj.name}（{obj.region.name}）"
    if obj.left_on:
        label += f" · 已于{obj.left_on:%Y-%m-%d}退出"
    elif obj.joined_on and obj.joined_on > timezone.localdate():
        label += f" · {obj.joined_on:%Y-%m-%d}纳入"
    return label


class RegionChoiceField(PickerFieldMixin, forms.ModelChoiceField):
    """A region chosen with the search-as-you-type picker (/regions/search/, the levels given), shown
    by its path 县/乡镇/村 so two 建设社区 are told apart; the value is checked against ``queryset``."""

    def __init__(self, *args, levels=(), **kwargs):
        url = reverse_lazy("units:region_search")
        if levels:
            url = f"{url}?levels={','.join(levels)}"
        value_key = "code" if kwargs.get("to_field_name") == "code" else "id"
        kwargs.setdefault("widget", PickerSelect(url=url, value_key=value_key))
        kwargs.setdefault("error_messages", picker_errors(kwargs.get("label") or "区划", "区划"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Region) -> str:
        return region_paths([obj])[obj.pk]


SUBJECT_REGION_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE, RegionLevel.COMMUNITY)


class RegionPickForm(forms.Form):
    """The region picker of a page that takes ?region=<code> itself (督办, 报表): rendered with the
    current code selected; the page's view still parses and scopes the code it is given."""

    def __init__(self, *args, user, levels, label="区划", empty_label="全部区划", css="form-select", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = RegionChoiceField(
            queryset=Region.objects.for_user(user).filter(level__in=levels),
            to_field_name="code",
            levels=levels,
            label=label,
            empty_label=empty_label,
            required=False,
        )
        self.fields["region"].widget.attrs["class"] = css


class ScopedRegionChoiceField(RegionChoiceField):
    """Townships, villages and communities inside the user's scope for that action."""

    def __init__(self, *, user, action_model, action: str, levels=SUBJECT_REGION_LEVELS, **kwargs):
        qs = Region.objects.for_user(user, "view").filter(level__in=levels).order_by("code")
        if not user_may(user, action_model, action):
            qs = qs.none()
        kwargs.setdefault("empty_label", "请选择区划")
        super().__init__(queryset=qs, levels=levels, **kwargs)


class SubjectForm(MaskedPersonalFieldsMixin, VersionedFormMixin, forms.ModelForm):
    """登记 / 修改 创建主体. A bad credit-code checksum is a warning the clerk confirms, not a block."""

    personal_masks = {"phone": mask_phone}

    confirm_credit_code = forms.BooleanField(
        label="我已核对，该统一社会信用代码无误（校验位未通过时勾选）", required=False
    )
    # any number of decimals is taken (a GPS reading, a spreadsheet) and rounded to the stored 6
    longitude = forms.DecimalField(
        label="经度",
        required=False,
        help_text="十进制度数，如 113.1163；用于“一张图”，可不填。",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={"invalid": "经度应为数字（十进制度数），如 113.1163。"},
    )
    latitude = forms.DecimalField(
        label="纬度",
        required=False,
        help_text="十进制度数，如 36.1954；与经度同时填写。",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={"invalid": "纬度应为数字（十进制度数），如 36.1954。"},
    )

    class Meta:
        model = Subject
        fields = [
            "name",
            "category",
            "region",
            "department",
            "credit_code",
            "responsible_person",
            "phone",
            "address",
            "longitude",
            "latitude",
            "joined_on",
        ]
        widgets = {
            "joined_on": date_widget(),
            "address": forms.TextInput(),
        }
        help_texts = {
            "credit_code": "18位，可不填（村、社区可无代码）。",
            "joined_on": "不填表示一直在创建范围内。",
            "phone": "手机或固定电话，如 13812345678、0351-1234567。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        action = "change" if self.instance.pk else "add"
        self.fields["region"] = ScopedRegionChoiceField(
            user=user,
            action_model=Subject,
            action=action,
            label="所属区划",
            initial=self.instance.region_id if self.instance.pk else None,
        )
        self.fields["category"].queryset = Category.objects.all()
        self.fields["department"].queryset = Department.objects.all()
        self.fields["department"].required = False
        self.fields["department"].empty_label = "（无）"
        self.fields["category"].empty_label = "请选择类别"
        if not self._credit_code_needs_confirmation():
            # Offer the override only once the checksum has actually failed.
            self.fields["confirm_credit_code"].widget = forms.HiddenInput()
        if self.instance.pk and self.instance.village_region_id:
            # A village's own subject keeps its category and region: they come from the region tree.
            for name in ("category", "region"):
                self.fields[name].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-6"),
                Column("category", css_class="col-md-3"),
                Column("department", css_class="col-md-3"),
            ),
            Row(Column("region", css_class="col-md-6"), Column("joined_on", css_class="col-md-3")),
            Row(
                Column("credit_code", css_class="col-md-6"),
                Column("responsible_person", css_class="col-md-3"),
                Column("phone", css_class="col-md-3"),
            ),
            Field("confirm_credit_code", wrapper_class="credit-confirm"),
            "address",
            Row(Column("longitude", css_class="col-md-3"), Column("latitude", css_class="col-md-3")),
            "version",
        )
        self.mask_personal_fields()

    def _credit_code_needs_confirmation(self) -> bool:
        if self.is_bound:
            code = normalize_credit_code(self.data.get(self.add_prefix("credit_code"), ""))
        else:
            code = self.instance.credit_code if self.instance.pk else ""
        return bool(code) and credit_code_format_ok(code) and not credit_code_checksum_ok(code)

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError("请填写主体名称。")
        return name

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data.get("credit_code"))
        if code:
            validate_credit_code_format(code)
        return code

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone:
            validate_phone(phone)
            phone = normalize_phone(phone)
        return self.kept_personal_value("phone", phone)

    def clean_joined_on(self):
        joined_on = self.cleaned_data.get("joined_on")
        if joined_on and joined_on > timezone.localdate().replace(year=timezone.localdate().year + 1):
            raise forms.ValidationError("纳入日期不能晚于明年今日。")
        return joined_on

    def _clean_degrees(self, name: str, limit: int):
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        label = self.fields[name].label
        if not -limit <= value <= limit:
            raise forms.ValidationError(f"{label}应在-{limit}到{limit}之间。")
        # a GPS reading or a spreadsheet may carry more decimals than stored (6: about 0.1 m)
        return value.quantize(COORDINATE_STEP)

    def clean_longitude(self):
        return self._clean_degrees("longitude", 180)

    def clean_latitude(self):
        return self._clean_degrees("latitude", 90)

    def clean(self):
        cleaned = super().clean()
        has_lon, has_lat = cleaned.get("longitude") is not None, cleaned.get("latitude") is not None
        if has_lon != has_lat and not ({"longitude", "latitude"} & set(self.errors)):
            missing = "latitude" if has_lon else "longitude"
            self.add_error(missing, "经度和纬度应同时填写（或都不填）。")
        code = cleaned.get("credit_code")
        warning = bool(code) and not credit_code_checksum_ok(code)
        if warning and not cleaned.get("confirm_credit_code"):
            self.add_error(
                "credit_code",
                "统一社会信用代码校验位不正确。请核对；如确认无误（如早期试点地区代码），请勾选下方“我已核对”后保存。",
            )
        cleaned["credit_code_warning"] = warning
        left_on = self.instance.left_on if self.instance.pk else None
        if left_on and cleaned.get("joined_on") and cleaned["joined_on"] > left_on:
            self.add_error("joined_on", "纳入日期不能晚于退出日期。")
        return cleaned

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"confirm_credit_code", "version"}}
        if self.instance.pk and self.instance.village_region_id:
            data.pop("category", None)
            data.pop("region", None)
        return data


class DeregisterForm(VersionedFormMixin, forms.Form):
    left_on = forms.DateField(label="退出日期", widget=date_widget())
    reason = forms.CharField(label="退出原因", max_length=200, widget=forms.TextInput())

    def __init__(self, *args, subject: Subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.fields["left_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        if self.subject.joined_on and left_on < self.subject.joined_on:
            raise forms.ValidationError(f"退出日期不能早于纳入日期（{self.subject.joined_on}）。")
        if left_on > timezone.localdate():
            raise forms.ValidationError("退出日期不能晚于今天。")
        return left_on
