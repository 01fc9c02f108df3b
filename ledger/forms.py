"""Form pieces every ledger form uses: the subject choice limited to scope, date widgets, date rules."""

import datetime

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from sanzero.forms import PickerFieldMixin, PickerSelect, VersionedFormMixin, date_widget  # noqa: F401 - ledger forms import date_widget
from units.forms import picker_errors, subject_choice_label
from units.models import Subject, back_entry_start  # noqa: F401 - back_entry_start was defined here


def not_in_future(day: datetime.date, label: str) -> datetime.date:
    if day and day > timezone.localdate():
        raise forms.ValidationError(f"{label}不能晚于今天。")
    if day and day.year < 2000:
        raise forms.ValidationError(f"{label}不能早于2000年。")
    return day


class SubjectSelect(PickerSelect):
    """The subject picker (search-as-you-type over /subjects/search/). The selected option carries the
    subject's active period, and so do the options the picker loads, so the form's script can warn
    about a subject not in the campaign on the entry's date (the server checks the same rule on save)."""

    class Media:
        js = ["js/subject-period.js"]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        subject = getattr(value, "instance", None)
        if subject is not None:
            if subject.joined_on:
                option["attrs"]["data-joined"] = subject.joined_on.isoformat()
            if subject.left_on:
                option["attrs"]["data-left"] = subject.left_on.isoformat()
        return option


class SubjectChoiceField(PickerFieldMixin, forms.ModelChoiceField):
    """A subject in the user's scope (``queryset``), picked by searching; a forged id is a form error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", SubjectSelect(url=reverse_lazy("units:subject_search")))
        kwargs.setdefault("error_messages", picker_errors(kwargs.get("label") or "创建主体", "创建主体"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Subject) -> str:
        return subject_choice_label(obj)


class LedgerFormMixin:
    """Limits the subject to the user's scope; an entry's date must lie in its subject's active period
    (DESIGN §5), so last week's dispute of a subject that left yesterday can still be recorded, and a
    year of history can be imported. Enforces max lengths."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # validated against every subject in scope (one that left long ago may still get an entry of its
        # period); the picker's search offers those not left before back_entry_start()
        self.fields["subject"] = SubjectChoiceField(
            queryset=Subject.objects.for_user(user).select_related("region"),
            label="创建主体",
            empty_label="请选择创建主体",
            help_text="已退出创建的主体仍可登记其创建期内（纳入日期至退出日期前一天）的台账。",
        )
        date_field = self.fields.get(self._meta.model.DATE_FIELD)
        if date_field is not None:
            date_field.widget.attrs["data-entry-date"] = "1"
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.widget.attrs.setdefault("maxlength", field.max_length)
            if isinstance(field, forms.TypedChoiceField) and field.choices and field.choices[0][0] == "":
                field.choices = [("", "请选择"), *field.choices[1:]]

    def clean(self):
        cleaned = super().clean()
        name = self._meta.model.DATE_FIELD
        subject, day = cleaned.get("subject"), cleaned.get(name)
        if subject is not None and day is not None:
            error = subject.period_error(day, str(self.fields[name].label))
            if error:
                self.add_error(name, error)
        return cleaned


class StepForm(VersionedFormMixin, forms.Form):
    """A workflow step's form (ledger.workflow.Transition.form_class). It is given the entry (``obj``);
    its ``date_field`` starts at today, may not be in the future, nor before any of the entry's dates
    named in ``not_before`` (checked in order; the first one it precedes is the message)."""

    date_field: str | None = None
    not_before: tuple[str, ...] = ()

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        if self.date_field:
            self.fields[self.date_field].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        name = self.date_field
        day = cleaned.get(name) if name else None
        if day is None:
            return cleaned
        label = str(self.fields[name].label)
        try:
            not_in_future(day, label)
        except forms.ValidationError as exc:
            self.add_error(name, exc)
            return cleaned
        for attr in self.not_before:
            floor = getattr(self.obj, attr, None)
            if floor is not None and day < floor:
                floor_label = self.obj._meta.get_field(attr).verbose_name
                self.add_error(name, f"{label}不能早于{floor_label}（{floor:%Y-%m-%d}）。")
                break
        return cleaned
