"""Keyword rules are edited here; routers and suggestion records are history.

A router is never edited, only trained by the command; an older version can be put back
in use with the "activate" action when a new one disappoints in real use.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.common.admin import ReadOnlyAdmin
from xinfang.common.errors import DomainError
from xinfang.routing import services
from xinfang.routing.models import KeywordRule, RouterModel, SuggestionRecord


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin[KeywordRule]):
    list_display = ["keyword", "kind", "target", "target_display", "mode", "is_active"]
    list_filter = ["kind", "mode", "is_active"]
    search_fields = ["keyword", "target_display"]
    readonly_fields = ["target_display"]


@admin.register(RouterModel)
class RouterModelAdmin(ReadOnlyAdmin[RouterModel]):
    list_display = ["kind", "version", "is_active", "trained_at", "n_train", "source"]
    list_filter = ["kind", "is_active", "source"]
    actions = ["activate"]

    @admin.action(description=gettext_lazy("启用所选版本（替换使用中的模型）"))
    def activate(self, request: HttpRequest, queryset: QuerySet[RouterModel]) -> None:
        if len({r.kind for r in queryset}) != len(queryset):
            self.message_user(request, _("每种类型只能启用一个版本。"), messages.ERROR)
            return
        for router in queryset:
            try:
                services.router_activate(router=router)
            except DomainError as e:
                self.message_user(request, e.message, messages.ERROR)
            else:
                self.message_user(request, _("已启用 %(r)s。") % {"r": router})


@admin.register(SuggestionRecord)
class SuggestionRecordAdmin(ReadOnlyAdmin[SuggestionRecord]):
    list_display = ["petition", "kind", "chosen", "accepted_top1", "model_version", "created_at"]
    list_filter = ["kind", "accepted_top1"]
    list_select_related = ["petition"]
