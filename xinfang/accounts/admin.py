"""Users and their API tokens in the admin; every change goes through accounts/services.py.

A user's role, unit, flags and password are saved by the services, which audit them. A
token is never created, edited or deleted here, and its digest is never shown: it can
only be revoked.
"""

from typing import cast

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.accounts import services
from xinfang.accounts.forms import AdminLoginForm
from xinfang.accounts.models import ApiToken, User
from xinfang.common import clock
from xinfang.common.audit import client_ip

# The admin's login is the third door: the same bounds as the login page's form.
admin.site.login_form = AdminLoginForm


def _actor(request: HttpRequest) -> User:
    # The admin lets only signed-in staff this far.
    return cast(User, request.user)


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "full_name", "role", "unit", "is_active"]
    list_filter = ["role", "unit", "is_active"]
    # The stubs give UserAdmin ModelAdmin's optional fieldsets; Django's UserAdmin sets them.
    fieldsets = (*BaseUserAdmin.fieldsets, ("信访", {"fields": ("full_name", "role", "unit")}))  # type: ignore[misc]
    # Records of what happened, not settings: the Chinese time format drops the seconds,
    # so as inputs every save would rewrite (and audit) them.
    readonly_fields = ["last_login", "date_joined"]

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        if not change:
            services.user_create(actor=_actor(request), user=obj, ip=client_ip(request))
            return
        # The form has already put its values on `obj`; the service compares them with
        # the stored row, so only what really changed is saved and audited.
        concrete = {f.name for f in User._meta.concrete_fields}
        changes = {name: getattr(obj, name) for name in form.changed_data if name in concrete}
        services.user_update(
            actor=_actor(request), user=obj, changes=changes, ip=client_ip(request)
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Save a new password through the service; Django's view shows the form and errors."""
        user = self.get_object(request, unquote(id))
        if (
            request.method != "POST"
            or user is None
            or not self.has_change_permission(request, user)
        ):
            return super().user_change_password(request, id, form_url)
        form = self.change_password_form(user, request.POST)
        # Django's view refuses a submission whose buttons disagree with its checkbox.
        consistent = form.is_valid() and (
            form.cleaned_data["set_usable_password"] or "unset-password" in request.POST
        )
        if not consistent:
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data["set_usable_password"]
        user = services.user_password_set(
            actor=_actor(request),
            user=user,
            password=form.cleaned_data["password1"] if usable else None,
            ip=client_ip(request),
        )
        self.log_change(request, user, self.construct_change_message(request, form, []))
        messages.success(
            request,
            _("密码已修改，此前签发的接口令牌已失效。") if usable else _("已停用密码登录。"),
        )
        update_session_auth_hash(request, user)
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:accounts_user_change", args=(user.pk,))
        )


# The digest and the password fingerprint are never shown.
_TOKEN_FIELDS = ("user", "created_at", "expires_at", "last_used_at", "revoked_at", "state")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["user", "created_at", "expires_at", "last_used_at", "revoked_at", "state"]
    list_filter = ["revoked_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__full_name"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = readonly_fields = _TOKEN_FIELDS
    actions = ["revoke"]

    @admin.display(description=gettext_lazy("状态"))
    def state(self, token: ApiToken) -> str:
        return token.refusal(clock.now()) or _("有效")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # The list may act (revoke); a token's own page only shows it.
        return obj is None and super().has_change_permission(request)

    @admin.action(description=gettext_lazy("撤销所选令牌"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = services.api_tokens_revoke(
            actor=_actor(request),
            tokens=queryset,
            reason=_("管理员撤销"),
            ip=client_ip(request),
        )
        self.message_user(request, _("已撤销 %(n)d 个令牌。") % {"n": count})
