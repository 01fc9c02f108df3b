"""Form pieces shared by every app: the optimistic-lock version field, the search-as-you-type picker
widget; the deadline settings form."""

import copy

from django import forms
from django.db import models
from django.forms.models import ModelChoiceIterator

from .validators import parse_bounded_int


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MaskedPersonalFieldsMixin:
    """Editing never shows stored personal data in full (that takes the logged reveal, DESIGN §8):
    each of `personal_masks` ({field: mask}) starts empty with the masked value as its placeholder,
    and an empty box keeps what is stored. Call `mask_personal_fields()` at the end of __init__ and
    return `kept_personal_value(name, value)` from the field's clean method."""

    personal_masks: dict = {}

    def mask_personal_fields(self) -> None:
        self.kept_personal = set()
        if not self.instance.pk:
            return
        for name, mask in self.personal_masks.items():
            stored = getattr(self.instance, name)
            if stored and name in self.fields:
                self.kept_personal.add(name)
                self.initial[name] = ""
                self.fields[name].widget.attrs["placeholder"] = mask(stored)
                self.fields[name].help_text = "已登记（框内为脱敏显示），不修改请留空。" + (
                    self.fields[name].help_text or ""
                )

    def kept_personal_value(self, name: str, value: str) -> str:
        return getattr(self.instance, name) if not value and name in getattr(self, "kept_personal", ()) else value


class PickerSelect(forms.Select):
    """A <select> that static/js/picker.js (Tom Select, from package.json) turns into a
    search-as-you-type picker fed by a JSON endpoint (``url``; ``value_key`` names the item's key that
    is the option value). Only the empty choice and the selected one are rendered, so a page carries
    no long list, and a bound form that failed re-shows what was chosen. What is submitted is still
    validated by the field against its scoped queryset."""

    class Media:
        js = ["vendor/tom-select/js/tom-select.complete.min.js", "js/picker.js"]

    def __init__(self, *, url="", value_key="id", attrs=None):
        super().__init__(attrs=attrs)
        self.url = url
        self.value_key = value_key

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker-url"] = str(self.url)
        widget_attrs["data-picker-value"] = self.value_key
        widget_attrs.setdefault("data-placeholder", "输入名称、拼音首字母或代码查找")
        return context

    def optgroups(self, name, value, attrs=None):
        full = self.choices
        self.choices = _selected_choices(full, [v for v in value if v not in (None, "")])
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full


def _selected_choices(choices, values: list):
    """The empty choice and the chosen rows only, read from the field's (scoped) queryset: a forged or
    out-of-scope value renders nothing."""
    if not isinstance(choices, ModelChoiceIterator):
        return [c for c in choices if c[0] in ("", None) or str(c[0]) in {str(v) for v in values}]
    iterator = copy.copy(choices)
    field = iterator.field
    key = field.to_field_name or "pk"
    picked = getattr(field, "picked", None)
    if picked is not None and [str(field.prepare_value(picked))] == [str(v) for v in values]:
        # the object the field has just validated: shown without a second query
        return ([("", field.empty_label)] if field.empty_label is not None else []) + [iterator.choice(picked)]
    meta = iterator.queryset.model._meta
    model_field = meta.pk if key == "pk" else meta.get_field(key)
    if isinstance(model_field, models.IntegerField):  # AutoField and BigAutoField too
        values = [n for n in (parse_bounded_int(str(v)) for v in values) if n is not None]
    else:
        # a NUL byte matches no row, and PostgreSQL refuses it in a query (a 500): dropped, as a forged id
        values = [str(v)[: model_field.max_length or 200] for v in values if "\x00" not in str(v)]
    iterator.queryset = iterator.queryset.filter(**{f"{key}__in": values}) if values else iterator.queryset.none()
    return list(iterator)


class PickerFieldMixin:
    """For a ModelChoiceField with a PickerSelect: keeps the object it validated (``picked``), so the
    widget re-shows it without querying again."""

    picked = None

    def to_python(self, value):
        obj = super().to_python(value)
        self.picked = obj
        return obj


class VersionedFormMixin(forms.Form):
    """Carries the version the user started from, so the service can refuse a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # “协议内容为必填项，请填写。” rather than Django's generic “这个字段是必填项。”: the same words on
            # the page and in an import's row error (where the field is a column, not a box beside its label)
            if (
                field.required
                and field.error_messages.get("required") == forms.Field.default_error_messages["required"]
            ):
                verb = "请选择" if isinstance(field, forms.ChoiceField) else "请填写"
                field.error_messages = {**field.error_messages, "required": f"{field.label}为必填项，{verb}。"}
        instance = getattr(self, "instance", None)
        if instance is not None and getattr(instance, "pk", None):
            self.fields["version"].initial = instance.version
            # An edit must say which version it started from, or it could overwrite silently.
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = "缺少版本信息，请刷新页面后重新修改。"

    @property
    def expected_version(self) -> int | None:
        if not self.is_bound:
            return None
        return self.cleaned_data.get("version")


class DeadlineSettingsForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        from .models import DeadlineSettings

        model = DeadlineSettings
        fields = [
            "petition_notify_days",
            "petition_handle_days",
            "petition_extend_max_days",
            "petition_collective_headcount",
            "hazard_general_days",
            "hazard_major_days",
            "warn_days",
        ]

    LIMITS = {
        "petition_notify_days": (1, 60),
        "petition_handle_days": (1, 180),
        "petition_extend_max_days": (0, 90),
        "petition_collective_headcount": (2, 100),
        "hazard_general_days": (1, 90),
        "hazard_major_days": (1, 365),
        "warn_days": (0, 15),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from crispy_forms.helper import FormHelper

        self.helper = FormHelper()
        self.helper.form_tag = False
        for name, (low, high) in self.LIMITS.items():
            self.fields[name].widget.attrs.update({"min": low, "max": high})
            self.fields[name].help_text = f"{low}–{high}"

    def clean(self):
        cleaned = super().clean()
        for name, (low, high) in self.LIMITS.items():
            value = cleaned.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"应在{low}到{high}之间。")
        return cleaned
