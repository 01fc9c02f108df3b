"""The draft's edit form (texts) and its 红黑榜 formset (a unit of this bulletin's ranking and a reason)."""

from __future__ import annotations

from django import forms

from sanzero.forms import VersionedFormMixin

from .models import Bulletin, MentionBoard


class BulletinForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = ["title", "issuer", "issued_on", "intro", "supervised", "requirements"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "intro": forms.Textarea(attrs={"rows": 4}),
            "supervised": forms.Textarea(attrs={"rows": 6}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"supervised": "每行一项；发布时逐项编号。"}


class MentionForm(forms.Form):
    board = forms.ChoiceField(
        label="榜单",
        required=False,
        choices=MentionBoard.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    # a blank row (an extra row posts its 榜单 select's first option) is left out, not an error
    region = forms.ChoiceField(
        label="单位", required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "列入理由", "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, units: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择单位"), *units]


class BaseMentionFormSet(forms.BaseFormSet):
    def __init__(self, *args, units=(), **kwargs):
        self.units = list(units)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "units": self.units}

    def rows(self) -> list[dict]:
        """The kept rows, in order: {board, code, reason} (a row left empty or marked 删除 is dropped)."""
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("region"):
                continue
            out.append({"board": data.get("board") or "", "code": data["region"], "reason": data.get("reason") or ""})
        return out


MentionFormSet = forms.formset_factory(MentionForm, formset=BaseMentionFormSet, extra=2, can_delete=True, max_num=40)
