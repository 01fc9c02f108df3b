"""What each API resource holds. Read-only; personal data masked (the API never reveals)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dashboards.models import RegionMonth, SubjectMonth
from sanzero.validators import mask_phone
from units.models import Region, Subject


class RegionSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display")
    parent_code = serializers.CharField(source="parent.code", default=None, allow_null=True)

    class Meta:
        model = Region
        fields = ("code", "name", "level", "level_label", "parent_code")


class SubjectSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name")
    group = serializers.CharField(source="category.group")
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    department = serializers.CharField(source="department.name", default=None, allow_null=True)
    phone = serializers.SerializerMethodField(help_text="联系电话（脱敏）")
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=False)
    latitude = serializers.DecimalField(max_digits=8, decimal_places=6, allow_null=True, coerce_to_string=False)

    class Meta:
        model = Subject
        fields = (
            "id",
            "name",
            "category",
            "group",
            "region_code",
            "region_name",
            "department",
            "credit_code",
            "responsible_person",
            "phone",
            "address",
            "longitude",
            "latitude",
            "joined_on",
            "left_on",
            "version",
            "updated_at",
        )

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


def _rate(numerator, denominator) -> float | None:
    return None if not denominator else round(numerator / denominator, 4)


class RegionFiguresSerializer(serializers.ModelSerializer):
    """One region, group and period of a month (本月 or 年度累计): counts, rates (fractions), target."""

    region_name = serializers.CharField(source="region.name")
    level = serializers.CharField(source="region.level")
    month = serializers.SerializerMethodField()
    period_label = serializers.CharField(source="get_period_display")
    group_label = serializers.CharField(source="get_group_display")
    pass_rate = serializers.SerializerMethodField()
    petition_rate = serializers.SerializerMethodField()
    accident_rate = serializers.SerializerMethodField()
    case_rate = serializers.SerializerMethodField()
    target = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True, coerce_to_string=False)
    meets_target = serializers.SerializerMethodField()

    class Meta:
        model = RegionMonth
        fields = (
            "id",
            "region_code",
            "region_name",
            "level",
            "month",
            "period",
            "period_label",
            "group",
            "group_label",
            "total",
            "passed",
            "pass_rate",
            "petition_ok",
            "petition_rate",
            "accident_ok",
            "accident_rate",
            "case_ok",
            "case_rate",
            "target",
            "meets_target",
            "computed_at",
        )

    def get_month(self, obj) -> str:
        return f"{obj.month:%Y-%m}"

    def get_pass_rate(self, obj) -> float | None:
        return _rate(obj.passed, obj.total)

    def get_petition_rate(self, obj) -> float | None:
        return _rate(obj.petition_ok, obj.total)

    def get_accident_rate(self, obj) -> float | None:
        return _rate(obj.accident_ok, obj.total)

    def get_case_rate(self, obj) -> float | None:
        return _rate(obj.case_ok, obj.total)

    def get_meets_target(self, obj) -> bool | None:
        return obj.meets_target


class LedgerStatisticsSerializer(serializers.ModelSerializer):
    """台账统计 of one region and period (DESIGN §5): 排查数, 化解/整改/办结数 and rates, 超期未办结数."""

    region_name = serializers.CharField(source="region.name")
    level = serializers.CharField(source="region.level")
    month = serializers.SerializerMethodField()
    period_label = serializers.CharField(source="get_period_display")
    dispute_rate = serializers.SerializerMethodField()
    hazard_rate = serializers.SerializerMethodField()
    petition_close_rate = serializers.SerializerMethodField()

    class Meta:
        model = RegionMonth
        fields = (
            "id",
            "region_code",
            "region_name",
            "level",
            "month",
            "period",
            "period_label",
            "disputes_found",
            "disputes_resolved",
            "dispute_rate",
            "hazards_found",
            "hazards_rectified",
            "hazard_rate",
            "petitions_count",
            "petitions_closed",
            "petition_close_rate",
            "overdue_open",
            "computed_at",
        )

    def get_month(self, obj) -> str:
        return f"{obj.month:%Y-%m}"

    def get_dispute_rate(self, obj) -> float | None:
        return _rate(obj.disputes_resolved, obj.disputes_found)

    def get_hazard_rate(self, obj) -> float | None:
        return _rate(obj.hazards_rectified, obj.hazards_found)

    def get_petition_close_rate(self, obj) -> float | None:
        return _rate(obj.petitions_closed, obj.petitions_count)


class SubjectVerdictSerializer(serializers.ModelSerializer):
    """One subject's verdicts for a month: 本月 and 年度累计, overrides included in ``passed``."""

    subject_id = serializers.IntegerField()
    subject_name = serializers.CharField(source="subject.name")
    month = serializers.SerializerMethodField()
    overridden = serializers.SerializerMethodField()
    ytd_overridden = serializers.SerializerMethodField()

    class Meta:
        model = SubjectMonth
        fields = (
            "id",
            "subject_id",
            "subject_name",
            "region_code",
            "group",
            "month",
            "passed",
            "petition_ok",
            "accident_ok",
            "case_ok",
            "overridden",
            "ytd_passed",
            "ytd_petition_ok",
            "ytd_accident_ok",
            "ytd_case_ok",
            "ytd_overridden",
            "failures",
            "ytd_failures",
            "computed_at",
        )

    def get_month(self, obj) -> str:
        return f"{obj.month:%Y-%m}"

    def get_overridden(self, obj) -> bool:
        return obj.override_passed is not None

    def get_ytd_overridden(self, obj) -> bool:
        return obj.ytd_override_passed is not None


class LedgerSerializer(serializers.Serializer):
    ledger = serializers.CharField()
    title = serializers.CharField()
    entries_url = serializers.CharField()


class LedgerEntrySerializer(serializers.Serializer):
    """An entry of any ledger: the fields every ledger has, then ``columns``: the ledger's own columns as
    its Excel export names them (personal data masked)."""

    id = serializers.IntegerField()
    ledger = serializers.CharField()
    subject_id = serializers.IntegerField()
    subject_name = serializers.CharField()
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    date = serializers.DateField(help_text="排查/登记/发生日期（台账各自的日期字段）")
    status = serializers.CharField()
    status_label = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    is_open = serializers.BooleanField()
    overdue = serializers.BooleanField(help_text="未办结且已过办理期限（今日）")
    days_overdue = serializers.IntegerField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    columns = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {},
            "description": "台账的各列（列名与“导出Excel”一致：文本、数字、YYYY-MM-DD日期或空），个人信息已脱敏。",
        }
    )
    def get_columns(self, obj) -> dict:
        return obj["columns"]
