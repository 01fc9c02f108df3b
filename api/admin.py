"""The administrator's API tokens (created here, the key shown once; revoked, never edited) and the
read-only log of every API call."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin, copy_stored, run_refusable

from . import services
from .models import ApiCallLog, ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name", "expires_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
            self.fields["user"].help_text = "令牌以该用户的角色和管辖范围读取数据。"


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    form = ApiTokenForm
    list_display = ("name", "user", "prefix", "state", "created_at", "expires_at", "last_used_at")
    list_select_related = ("user",)
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    actions = ["revoke_selected"]

    @admin.display(description="状态")
    def state(self, obj):
        return obj.state

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("prefix",)
        return ("user", "name", "expires_at", "prefix", "created_at", "created_by", "revoked_at", "last_used_at")

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the call log names the token

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing of a token is edited
        token, key = services.api_token_create(
            actor=request.user,
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data.get("expires_at"),
        )
        copy_stored(token, obj)
        self.message_user(
            request,
            f"已创建接口令牌“{token.name}”。令牌（只显示这一次，请立即交给使用方妥善保存）：{key}",
            messages.WARNING,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return run_refusable(
            self, request, request.get_full_path(), super().changeform_view, object_id, form_url, extra_context
        )

    @admin.action(description="吊销所选接口令牌")
    def revoke_selected(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(actor=request.user, token=token)
            revoked += 1
        self.message_user(request, f"已吊销{revoked}个接口令牌。", messages.SUCCESS)


@admin.register(ApiCallLog)
class ApiCallLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "user", "token", "method", "path", "query", "status", "duration_ms", "ip")
    list_select_related = ("user", "token")
    list_filter = ("status", "method")
    search_fields = ("path", "user__username", "token__prefix", "ip")
    date_hierarchy = "at"
