"""The 节假日安排 page's forms: a range of days of one kind, and the confirmations."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from sanzero.forms import date_widget
from sanzero.models import HolidayKind

from .services import COMMON_NAMES, MAX_RANGE_DAYS, NAME_MAX, check_range

DATE_ERRORS = {"invalid": "日期格式不正确，应为YYYY-MM-DD（如2027-01-01）。"}


class HolidayRangeForm(forms.Form):
    start = forms.DateField(
        label="起始日期", widget=date_widget(), error_messages={**DATE_ERRORS, "required": "请填写起始日期。"}
    )
    end = forms.DateField(
        label="结束日期",
        widget=date_widget(),
        required=False,
        error_messages=DATE_ERRORS,
        help_text=f"只录一天可不填；最多{MAX_RANGE_DAYS}天。",
    )
    kind = forms.ChoiceField(
        label="类型",
        choices=HolidayKind.choices,
        initial=HolidayKind.REST,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择类型（放假或调休上班）。", "invalid_choice": "类型应为“放假”或“调休上班”。"},
    )
    name = forms.CharField(
        label="名称",
        max_length=NAME_MAX,
        error_messages={"required": "请填写名称，如“春节”。", "max_length": f"名称最多{NAME_MAX}个字。"},
        help_text="所属节日，如 " + "、".join(COMMON_NAMES) + "。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(
            {"list": "holiday-names", "autocomplete": "off", "placeholder": "如：春节"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("start", css_class="col-sm-6"), Column("end", css_class="col-sm-6")),
            Row(Column("kind", css_class="col-sm-6"), Column("name", css_class="col-sm-6")),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and not end and "end" not in self.errors:
            cleaned["end"] = end = start
        for problem in check_range(start, end):
            self.add_error("end" if end and start and end != start else "start", problem)
        return cleaned


class ConfirmForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class RecomputeForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
