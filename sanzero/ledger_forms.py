"""Form pieces every ledger form uses: the subject choice limited to scope, date widgets, date rules."""

import datetime

from django import forms
from django.utils import timezone

from units.models import Subject


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def not_in_future(day: datetime.date, label: str) -> datetime.date:
    if day and day > timezone.localdate():
        raise forms.ValidationError(f"{label}不能晚于今天。")
    if day and day.year < 2000:
        raise forms.ValidationError(f"{label}不能早于2000年。")
    return day


class SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Subject) -> str:
        return f"{obj.name}（{obj.region.name}）"


class LedgerFormMixin:
    """Limits the subject to active subjects the user may add entries for; enforces max lengths."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Subject.objects.for_user(user).select_related("region").order_by("region__code", "name")
        if not self.instance.pk:
            qs = qs.active()
        elif self.instance.subject_id:
            qs = qs | Subject.objects.filter(pk=self.instance.subject_id).select_related("region")
        self.fields["subject"] = SubjectChoiceField(queryset=qs, label="创建主体", empty_label="请选择创建主体")
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.widget.attrs.setdefault("maxlength", field.max_length)
            if isinstance(field, forms.TypedChoiceField) and field.choices and field.choices[0][0] == "":
                field.choices = [("", "请选择"), *field.choices[1:]]
