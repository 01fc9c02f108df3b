from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.urls import reverse_lazy

from ledger.forms import LedgerFormMixin, StepForm, date_widget, not_in_future
from sanzero.crypto import blind_index
from sanzero.forms import MaskedPersonalFieldsMixin, PickerFieldMixin, PickerSelect, VersionedFormMixin
from sanzero.roles import Role
from sanzero.scoping import user_scope
from sanzero.validators import normalize_phone, validate_id_number, validate_phone
from units.forms import RegionChoiceField
from units.models import Region, RegionLevel

from . import selectors
from .choices import DEFAULT_VISIT_DAYS, PersonStatus, VisitWay
from .models import KeyPerson
from .privacy import PERSONAL_MASKS

VILLAGE_LEVELS = (RegionLevel.VILLAGE, RegionLevel.COMMUNITY)


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def covers(worker, region) -> bool:
    """Whether the grid worker's scope holds the region (their scope_regions prefetched: no query)."""
    return any(region.code.startswith(r.prefix) for r in worker.scope_regions.all())


class GridWorkerChoiceField(PickerFieldMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        regions = "、".join(r.name for r in obj.scope_regions.all())
        return f"{obj.display_name}（{regions}）" if regions else obj.display_name


class KeyPersonForm(MaskedPersonalFieldsMixin, LedgerFormMixin, VersionedFormMixin, forms.ModelForm):
    """登记 / 修改 重点人员. The person's 创建主体 is their village's (or community's) own subject, chosen
    as 所属村(社区); the 包户网格员 must hold that village in scope; 走访周期 left blank follows the risk level."""

    personal_masks = PERSONAL_MASKS

    class Meta:
        model = KeyPerson
        fields = [
            "subject",
            "registered_on",
            "name",
            "id_number",
            "phone",
            "address",
            "category",
            "risk_level",
            "grid_worker",
            "visit_every_days",
            "note",
        ]
        widgets = {
            "registered_on": date_widget(),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        del self.fields["subject"]  # chosen as its village (below): the village's own subject
        preselected = self.initial.pop("subject", None)
        self.fields["village"] = RegionChoiceField(
            queryset=Region.objects.for_user(user)
            .filter(level__in=VILLAGE_LEVELS, village_subject__isnull=False)
            .select_related("village_subject"),
            levels=VILLAGE_LEVELS,
            label="所属村(社区)",
            empty_label="请选择村(社区)",
        )
        if self.instance.pk:
            self.initial["village"] = self.instance.subject.village_region_id
        elif preselected:
            # 登记重点人员 from a village's page (?subject=): that village, if it is one
            self.initial["village"] = (
                Region.objects.filter(village_subject__pk=getattr(preselected, "pk", preselected))
                .values_list("pk", flat=True)
                .first()
            )
        self.order_fields(["village", *self._meta.fields])
        self.fields["grid_worker"] = GridWorkerChoiceField(
            queryset=selectors.grid_worker_queryset(user),
            # a city's administrator may choose among thousands: searched as typed, never listed
            widget=PickerSelect(url=reverse_lazy("persons:grid_worker_search"), value_key="id"),
            to_field_name="username",
            required=False,
            label="包户网格员",
            empty_label="未落实（暂不指定）",
            help_text="负责走访的网格员，其管辖区划须包含所选村(社区)。",
            error_messages={
                "invalid_choice": "网格员账号“%(value)s”不存在、已停用或不在您的管辖范围内（请填写网格员的登录账号）。"
            },
        )
        if user_scope(user).role == Role.GRID:
            self.fields["grid_worker"].empty_label = None
            self.fields["grid_worker"].help_text = "网格员登记的重点人员由本人包户。"
            self.initial.setdefault("grid_worker", user.username)
        elif self.instance.pk and self.instance.grid_worker_id:
            self.initial["grid_worker"] = self.instance.grid_worker.username
        self.fields["visit_every_days"].required = False
        self.fields["visit_every_days"].widget.attrs.update({"min": 1, "max": 365})
        self.fields["id_number"].help_text = "18位，校验位须正确；同一身份证号只能有一条在管记录。"
        self.fields["phone"].help_text = "选填，手机号11位或固定电话（如0351-1234567）。"
        self.mask_personal_fields()
        for name in self.kept_personal:
            self.fields[name].required = False  # an empty box keeps the stored value
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("village", css_class="col-md-6"),
                Column("registered_on", css_class="col-md-3"),
                Column("category", css_class="col-md-3"),
            ),
            Fieldset(
                "个人信息（列表、导出和详情默认脱敏显示）",
                Row(
                    Column("name", css_class="col-md-3"),
                    Column("id_number", css_class="col-md-5"),
                    Column("phone", css_class="col-md-4"),
                ),
                "address",
                css_class="border rounded p-2 mb-2",
            ),
            Row(
                Column("risk_level", css_class="col-md-3"),
                Column("visit_every_days", css_class="col-md-3"),
                Column("grid_worker", css_class="col-md-6"),
            ),
            "note",
            "version",
        )

    def clean_registered_on(self):
        return not_in_future(self.cleaned_data["registered_on"], "列管日期")

    def clean_village(self):
        village = self.cleaned_data["village"]
        self.cleaned_data["subject"] = village.village_subject
        return village

    def clean_name(self):
        value = self.kept_personal_value("name", (self.cleaned_data.get("name") or "").strip())
        if not value:
            raise forms.ValidationError("姓名为必填项，请填写。")
        return value

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if value:
            validate_id_number(value)
        value = self.kept_personal_value("id_number", value)
        if not value:
            raise forms.ValidationError("身份证号为必填项，请填写。")
        other = (
            KeyPerson.objects.filter(id_number_hash=blind_index("id_number", value), status=PersonStatus.MANAGED)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if other is not None:
            if KeyPerson.objects.for_user(self.user).filter(pk=other.pk).exists():
                raise forms.ValidationError(
                    f"该身份证号已登记为在管重点人员（编号{other.pk}），请勿重复列管；如需变更请修改原记录。"
                )
            raise forms.ValidationError("该身份证号已由其他乡镇(街道)或网格员列管，请联系县平安办核实。")
        return value

    def clean_phone(self):
        value = normalize_phone(self.cleaned_data.get("phone"))
        if value:
            validate_phone(value)
        return self.kept_personal_value("phone", value)

    def clean_address(self):
        return self.kept_personal_value("address", (self.cleaned_data.get("address") or "").strip())

    def clean_visit_every_days(self):
        days = self.cleaned_data.get("visit_every_days")
        if days is None:
            return DEFAULT_VISIT_DAYS.get(self.cleaned_data.get("risk_level"), 30)
        if not 1 <= days <= 365:
            raise forms.ValidationError("走访周期应在1到365天之间。")
        return days

    def clean(self):
        cleaned = super().clean()
        village, worker = cleaned.get("village"), cleaned.get("grid_worker")
        if worker is None and user_scope(self.user).role == Role.GRID and "grid_worker" not in self.errors:
            worker = cleaned["grid_worker"] = self.fields["grid_worker"].queryset.first()
        if village is not None and worker is not None and not covers(worker, village):
            self.add_error(
                "grid_worker", f"{worker.display_name}的管辖区划不包含{village.name}，不能作为该人员的包户网格员。"
            )
        return cleaned

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "village")}


class VisitForm(StepForm):
    visited_on = forms.DateField(label="走访日期", widget=date_widget())
    way = forms.ChoiceField(label="走访方式", choices=VisitWay.choices, initial=VisitWay.HOME)
    situation = forms.CharField(
        label="走访情况",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：本人在家，情绪稳定，按时服药；已告知矫正报到要求。",
    )
    abnormal = forms.BooleanField(label="发现异常情况（需跟进处置）", required=False)
    date_field, not_before = "visited_on", ("registered_on",)


class ReleaseForm(StepForm):
    released_on = forms.DateField(label="解除日期", widget=date_widget())
    note = forms.CharField(label="解除原因", max_length=300, help_text="如：矫正期满、帮教期满、已迁出本县、已死亡。")
    date_field, not_before = "released_on", ("registered_on",)


class LinkForm(forms.Form):
    """关联信访或矛盾纠纷 on the person's page: the entry's number (its page's #编号)."""

    KINDS = (("petition", "信访"), ("dispute", "矛盾纠纷"))
    kind = forms.ChoiceField(
        label="事项类型", choices=KINDS, error_messages={"invalid_choice": "请选择信访或矛盾纠纷。"}
    )
    number = forms.IntegerField(
        label="编号",
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"required": "请填写事项编号。", "invalid": "编号应为数字（事项页面标题旁的 #编号）。"},
    )


class ConfirmForm(forms.Form):
    """The confirmation page's (partials/confirm_page.html) empty form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
