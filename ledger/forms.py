"""Form pieces every ledger form uses: the subject choice limited to scope, date widgets, date rules."""

import datetime

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from sanzero.forms import PickerFieldMixin, PickerSelect, VersionedFormMixin, date_widget  # noqa: F401 - ledger forms import date_widget
from units.forms import picker_errors, subject_choice_label
from units.models import Subject


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
        date_name = self._meta.model.DATE_FIELD
        date_field = self.fields.get(date_name)
        if date_field is not None:
            date_field.widget.attrs["data-entry-date"] = "1"
            if not self.instance.pk:
                # most entries are recorded the day they happen (Asia/Shanghai: TIME_ZONE)
                self.initial.setdefault(date_name, timezone.localdate())
        self.autofocus_first_to_fill()
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.widget.attrs.setdefault("maxlength", field.max_length)
            if isinstance(field, forms.TypedChoiceField) and field.choices and field.choices[0][0] == "":
                field.choices = [("", "请选择"), *field.choices[1:]]

    def autofocus_first_to_fill(self) -> None:
        """Keyboard entry starts in the first box still to fill: the subject, or (subject preselected,
        date today) the next one; an edit starts in its first box."""
        visible = [(name, f) for name, f in self.fields.items() if not f.widget.is_hidden]
        if not visible:
            return
        empty = [
            f for name, f in visible if self.instance.pk is None and self.initial.get(name, f.initial) in (None, "")
        ]
        (empty or [visible[0][1]])[0].widget.attrs["autofocus"] = True

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


# --- attachments ----------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    """The 附件 card's upload form; the file is checked by ledger.attachments (by content)."""

    kind = forms.ChoiceField(label="附件类别")
    file = forms.FileField(
        label="文件",
        error_messages={"required": "请选择要上传的文件。", "invalid": "没有收到文件，请重新选择。"},
    )

    def __init__(self, *args, model, **kwargs):
        from .attachments import ACCEPT
        from .models import AttachmentKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, AttachmentKind(k).label) for k in model.ATTACHMENT_KINDS]
        self.fields["kind"].error_messages["invalid_choice"] = "请选择列出的附件类别。"
        self.fields["file"].widget.attrs.update({"accept": ACCEPT})

    def clean_file(self):
        from .attachments import inspect_upload

        upload = self.cleaned_data["file"]
        inspect_upload(upload)  # kept on the upload for attachment_add
        return upload


class AttachmentDeleteForm(forms.Form):
    reason = forms.CharField(
        label="删除原因",
        max_length=200,
        required=False,
        help_text="可不填；将记入办理过程。",
        error_messages={"max_length": "删除原因最多200字（现有%(show_value)d字）。"},
    )

    def __init__(self, *args, **kwargs):
        from crispy_forms.helper import FormHelper

        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


#: the kinds that are photographs: their field opens the phone's camera and takes images only
PHOTO_KINDS = ("before", "after", "scene")


def add_photo_field(form, kind: str) -> None:
    """An optional file on a create or step form, filed as ``kind``: a photo (a grid worker records a
    hazard with its photo in one step; 整改后照片 with 登记整改完成), for which the phone opens its
    camera (capture="environment"), or a scan (the 调解协议书 with 登记化解: an image or a PDF)."""
    from .attachments import ACCEPT, inspect_upload
    from .models import AttachmentKind

    label = AttachmentKind(kind).label
    photo = kind in PHOTO_KINDS
    form.fields["photo"] = forms.FileField(
        label=f"{label}（可选）",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"} if photo else {"accept": ACCEPT}),
        help_text=(
            "手机上可直接拍照；JPG、PNG、WEBP 或 HEIC 图片。其他照片和文件可在详情页“附件”中添加。"
            if photo
            else "扫描件或照片：JPG、PNG、WEBP、HEIC 图片或 PDF 文件。也可在详情页“附件”中添加。"
        ),
    )

    def clean_photo():
        upload = form.cleaned_data.get("photo")
        if not upload:
            return None
        info = inspect_upload(upload)
        if photo and not info.is_image:
            raise forms.ValidationError(
                f"文件“{info.name}”不是照片：这里只能上传图片；PDF 等文件请保存后在详情页“附件”中上传。"
            )
        return upload

    form.clean_photo = clean_photo
    helper = getattr(form, "helper", None)
    layout = getattr(helper, "layout", None)
    if layout is not None:
        fields = layout.fields
        layout.insert(fields.index("version") if "version" in fields else len(fields), "photo")
