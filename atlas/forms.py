from django import forms

from .geojson import CODE_KEYS, max_bytes


class BoundaryImportForm(forms.Form):
    """导入区划边界: a GeoJSON file (its size checked before it is read) and, optionally, the property
    holding each feature's division code."""

    file = forms.FileField(
        label="GeoJSON 文件",
        help_text="FeatureCollection，每个要素为 Polygon 或 MultiPolygon（经纬度，十进制度数），属性中含区划代码。",
        error_messages={"required": "请选择要导入的 GeoJSON 文件。"},
    )
    code_property = forms.CharField(
        label="区划代码属性名",
        required=False,
        max_length=40,
        help_text="不填则依次查找：" + "、".join(CODE_KEYS) + "。",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"文件过大（{upload.size / 1024 / 1024:.1f} MB），GeoJSON 文件最大 {limit // 1024 // 1024} MB。"
            )
        return upload
