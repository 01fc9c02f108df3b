from django import forms

from .engine import MAX_BYTES

MAX_MB = MAX_BYTES // (1024 * 1024)


class ImportUploadForm(forms.Form):
    """Choose the kind (only those the user's role may import) and the .xlsx file."""

    kind = forms.ChoiceField(label="导入类型")
    file = forms.FileField(
        label="Excel文件（.xlsx）",
        help_text=f"只读取第一个工作表，第一行为表头；文件不超过{MAX_MB}MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *((k.name, k.label) for k in kinds)]
        self.kinds = {k.name: k for k in kinds}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(".xlsx"):
            raise forms.ValidationError("只能上传Excel的.xlsx文件（旧版.xls请在Excel中另存为.xlsx）。")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"文件过大（超过{MAX_MB}MB），请拆分后分批导入。")
        if upload.size == 0:
            raise forms.ValidationError("文件是空的。")
        return upload

    @property
    def chosen_kind(self):
        return self.kinds[self.cleaned_data["kind"]]
