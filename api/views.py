"""The read API, version 1. Every view reads through ``for_user`` (the web's one scoping mechanism) with
the token's user: out of scope is 404, exactly as on the pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from dashboards.models import ALL_GROUPS, Period, SubjectMonth, figures_for
from units.models import Region, RegionLevel, Subject, TargetGroup, active_q

from . import params
from .ledgers import api_ledgers, entry_fields, entry_queryset, export_columns, export_context
from .pagination import CodeCursorPagination, IdCursorPagination
from .serializers import (
    LedgerEntrySerializer,
    LedgerSerializer,
    LedgerStatisticsSerializer,
    RegionFiguresSerializer,
    RegionSerializer,
    SubjectSerializer,
    SubjectVerdictSerializer,
)

Q_REGION = OpenApiParameter(
    "region", str, description="区划代码：只返回该区划及其下级（须在令牌用户的管辖范围内，否则404）"
)
Q_MONTH = OpenApiParameter("month", str, description="月份 YYYY-MM；不填为已计算的最近月份")
Q_PERIOD = OpenApiParameter("period", str, enum=list(Period.values), description="month=本月，ytd=年度累计；不填为两者")
Q_GROUP = OpenApiParameter("group", str, enum=[ALL_GROUPS, *TargetGroup.values], description="主体分组")
Q_LEVEL = OpenApiParameter("level", str, enum=list(RegionLevel.values), description="区划层级")
Q_PAGE_SIZE = OpenApiParameter("page_size", int, description="每页条数，1–1000，默认100")
LEDGER_KEYS = (
    "disputes（矛盾纠纷）、hazards（安全隐患）、accidents（事故）、petitions（信访）、cases（案件）、places（重点场所）"
)
P_LEDGER = OpenApiParameter("ledger", str, OpenApiParameter.PATH, description=f"台账：{LEDGER_KEYS}")


class ApiViewMixin:
    """Token-authenticated (settings.REST_FRAMEWORK), so outside the site's login requirement."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))


def _subtree(qs, region: Region | None, path: str):
    return qs if region is None else qs.filter(**{f"{path}__startswith": region.prefix})


class RegionList(ApiViewMixin, generics.ListAPIView):
    """区划：令牌用户管辖范围内的区划树。"""

    serializer_class = RegionSerializer
    pagination_class = CodeCursorPagination

    @extend_schema(
        parameters=[
            Q_REGION,
            Q_LEVEL,
            OpenApiParameter("parent", str, description="上级区划代码：只返回其直接下级"),
            Q_PAGE_SIZE,
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        request = self.request
        qs = Region.objects.for_user(request.user).select_related("parent")
        qs = _subtree(qs, params.region(request), "code")
        parent = params.region(request, "parent")
        if parent is not None:
            qs = qs.filter(parent=parent)
        level = params.choice(request, "level", RegionLevel.values)
        return qs.filter(level=level) if level else qs


class RegionDetail(ApiViewMixin, generics.RetrieveAPIView):
    serializer_class = RegionSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Region.objects.for_user(self.request.user).select_related("parent")


def _subjects(request):
    return Subject.objects.for_user(request.user).select_related("category", "region", "department")


class SubjectList(ApiViewMixin, generics.ListAPIView):
    """创建主体：令牌用户管辖范围内的主体（联系电话脱敏）。"""

    serializer_class = SubjectSerializer
    pagination_class = IdCursorPagination

    @extend_schema(
        parameters=[
            Q_REGION,
            OpenApiParameter("group", str, enum=list(TargetGroup.values), description="主体分组"),
            OpenApiParameter("category", str, description="主体类别名称，如“学校”"),
            OpenApiParameter("active", bool, description="true：今日在册；false：已退出"),
            OpenApiParameter("updated_since", str, description="只返回此时间后有变动的主体（ISO 8601），用于增量同步"),
            Q_PAGE_SIZE,
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        request = self.request
        qs = _subtree(_subjects(request), params.region(request), "region__code")
        group = params.choice(request, "group", TargetGroup.values)
        if group:
            qs = qs.filter(category__group=group)
        category = request.query_params.get("category", "").strip()
        if category:
            qs = qs.filter(category__name=category[:30])
        active = params.flag(request, "active")
        if active is not None:
            today_active = active_q(timezone.localdate())
            qs = qs.filter(today_active) if active else qs.exclude(today_active)
        since = params.moment(request, "updated_since")
        if since is not None:
            qs = qs.filter(updated_at__gt=since)
        return qs


class SubjectDetail(ApiViewMixin, generics.RetrieveAPIView):
    serializer_class = SubjectSerializer

    def get_queryset(self):
        return _subjects(self.request)


def _month_of(request, qs):
    """The asked month, else the latest month the caller's rows have."""
    month = params.month(request)
    if month is None:
        month = qs.aggregate(m=Max("month"))["m"]
    return month


class _FiguresList(ApiViewMixin, generics.ListAPIView):
    pagination_class = IdCursorPagination
    groups = True

    def get_queryset(self):
        request = self.request
        region = params.region(request)
        period = params.choice(request, "period", Period.values)
        group = params.choice(request, "group", [ALL_GROUPS, *TargetGroup.values]) if self.groups else ALL_GROUPS
        level = params.choice(request, "level", RegionLevel.values)
        qs = figures_for(request.user)  # DepartmentMonth for a department's token, RegionMonth otherwise
        month = _month_of(request, qs)
        if month is None:
            return qs.none()
        qs = _subtree(qs.filter(month=month), region, "region_code").select_related("region")
        if period:
            qs = qs.filter(period=period)
        if group:
            qs = qs.filter(group=group)
        return qs.filter(region__level=level) if level else qs


class SnapshotList(_FiguresList):
    """月度快照：每个区划、主体分组的本月与年度累计达标数、达标率与年度目标（行业主管部门的令牌只含其主管的主体）。"""

    serializer_class = RegionFiguresSerializer

    @extend_schema(parameters=[Q_MONTH, Q_REGION, Q_PERIOD, Q_GROUP, Q_LEVEL, Q_PAGE_SIZE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class LedgerStatisticsList(_FiguresList):
    """台账统计：每个区划本月与年度累计的排查数、化解/整改/办结数与比率、超期未办结数。"""

    serializer_class = LedgerStatisticsSerializer
    groups = False

    @extend_schema(parameters=[Q_MONTH, Q_REGION, Q_PERIOD, Q_LEVEL, Q_PAGE_SIZE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SubjectVerdictList(ApiViewMixin, generics.ListAPIView):
    """主体月度达标情况：每个主体本月与年度累计的三零判定（含人工认定）及不达标依据（台账记录编号）。"""

    serializer_class = SubjectVerdictSerializer
    pagination_class = IdCursorPagination

    @extend_schema(
        parameters=[
            Q_MONTH,
            Q_REGION,
            OpenApiParameter("group", str, enum=list(TargetGroup.values), description="主体分组"),
            OpenApiParameter("passed", bool, description="按本月三零判定筛选"),
            OpenApiParameter("subject", int, description="主体编号"),
            Q_PAGE_SIZE,
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        request = self.request
        region = params.region(request)
        group = params.choice(request, "group", TargetGroup.values)
        passed = params.flag(request, "passed")
        subject = params.pk(request, "subject")
        qs = SubjectMonth.objects.for_user(request.user)
        month = _month_of(request, qs)
        if month is None:
            return qs.none()
        qs = _subtree(qs.filter(month=month), region, "region_code").select_related("subject")
        if group:
            qs = qs.filter(group=group)
        if passed is not None:
            qs = qs.filter(passed=passed)
        return qs.filter(subject_id=subject) if subject else qs


class LedgerList(ApiViewMixin, generics.GenericAPIView):
    """台账种类及其记录接口。"""

    serializer_class = LedgerSerializer
    pagination_class = None

    @extend_schema(operation_id="ledgers_list", responses=LedgerSerializer(many=True))
    def get(self, request):
        rows = [
            {"ledger": key, "title": ledger.title, "entries_url": request.build_absolute_uri(f"/api/v1/ledgers/{key}/")}
            for key, ledger in api_ledgers().items()
        ]
        return Response(LedgerSerializer(rows, many=True).data)


class _LedgerMixin(ApiViewMixin):
    serializer_class = LedgerEntrySerializer

    def ledger(self):
        ledger = api_ledgers().get(self.kwargs["ledger"])
        if ledger is None:
            raise NotFound("没有该台账：可用的台账为 " + "、".join(api_ledgers()) + "。")
        return ledger

    def entry_dict(self, ledger, obj, ctx, columns) -> dict:
        today = ctx.today
        region = obj.subject.region
        return {
            "id": obj.pk,
            "ledger": ledger.key,
            "subject_id": obj.subject_id,
            "subject_name": obj.subject.name,
            "region_code": region.code,
            "region_name": region.name,
            "date": obj.entry_date,
            "status": obj.status,
            "status_label": obj.get_status_display(),
            "due_on": obj.due_on,
            "is_open": obj.is_open,
            "overdue": bool(obj.is_open and obj.due_on and obj.due_on < today),
            "days_overdue": obj.days_overdue(today),
            "version": obj.version,
            "created_at": obj.created_at,
            "updated_at": obj.updated_at,
            "columns": entry_fields(columns, obj, ctx),
        }


class LedgerEntryList(_LedgerMixin, generics.ListAPIView):
    """台账记录：令牌用户管辖范围内某一台账的记录，列与“导出Excel”一致，个人信息脱敏。"""

    pagination_class = IdCursorPagination

    @extend_schema(
        operation_id="ledger_entries_list",
        parameters=[
            P_LEDGER,
            Q_REGION,
            OpenApiParameter("subject", int, description="主体编号"),
            OpenApiParameter("status", str, description="状态（中文，如“调解中”）"),
            OpenApiParameter("date_from", str, description="台账日期不早于（YYYY-MM-DD）"),
            OpenApiParameter("date_to", str, description="台账日期不晚于（YYYY-MM-DD）"),
            OpenApiParameter("open", bool, description="true：未办结"),
            OpenApiParameter("overdue", bool, description="true：未办结且已超期（今日）"),
            OpenApiParameter("updated_since", str, description="只返回此时间后有变动的记录（ISO 8601）"),
            Q_PAGE_SIZE,
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        request = self.request
        ledger = self.ledger()
        model = ledger.model
        qs = _subtree(entry_queryset(ledger, request._request), params.region(request), "subject__region__code")
        subject = params.pk(request, "subject")
        if subject:
            qs = qs.filter(subject_id=subject)
        status = request.query_params.get("status", "").strip()
        if status:
            qs = qs.filter(status=status[:20])
        date_from, date_to = params.date(request, "date_from"), params.date(request, "date_to")
        if date_from:
            qs = qs.filter(**{f"{model.DATE_FIELD}__gte": date_from})
        if date_to:
            qs = qs.filter(**{f"{model.DATE_FIELD}__lte": date_to})
        if params.flag(request, "open"):
            qs = qs.open()
        if params.flag(request, "overdue"):
            qs = qs.overdue(timezone.localdate())
        since = params.moment(request, "updated_since")
        if since is not None:
            qs = qs.filter(updated_at__gt=since)
        return qs

    def list(self, request, *args, **kwargs):
        ledger = self.ledger()
        page = self.paginate_queryset(self.get_queryset())
        ctx = export_context(request.user)
        columns = export_columns(ledger)
        rows = [self.entry_dict(ledger, obj, ctx, columns) for obj in page]
        return self.get_paginated_response(LedgerEntrySerializer(rows, many=True).data)


class LedgerEntryDetail(_LedgerMixin, generics.GenericAPIView):
    @extend_schema(operation_id="ledger_entries_retrieve", parameters=[P_LEDGER], responses=LedgerEntrySerializer)
    def get(self, request, ledger, pk):
        api_ledger = self.ledger()
        obj = get_object_or_404(entry_queryset(api_ledger, request._request), pk=pk)
        row = self.entry_dict(api_ledger, obj, export_context(request.user), export_columns(api_ledger))
        return Response(LedgerEntrySerializer(row).data)


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The OpenAPI 3 schema of /api/v1/ (JSON; ?format=yaml for YAML), for token holders."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


@login_not_required
def not_found(request, rest=""):
    """Any other /api/ path: a JSON 404, never the site's HTML page or its login redirect."""
    return JsonResponse({"detail": "没有该接口：接口说明见 /api/v1/schema/。"}, status=404)
