"""The API's URLs: /api/v1/…, the OpenAPI schema at /api/openapi.json, the docs at /api/docs."""

from django.urls import path
from ninja import NinjaAPI

from xinfang.api import early_warnings, early_warnings_alerts, errors, kpis, public, tokens, v1
from xinfang.api.auth import BearerToken

api = NinjaAPI(
    urls_namespace="api",
    title="Xinfang API",
    version="1",
    description="信访事项登记、办理与查询接口。先以 POST /api/v1/auth/token 取得令牌。",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=BearerToken(),
)
errors.install(api)
public.install(api)
api.add_router("/v1/auth/", tokens.router)
api.add_router("/v1/", v1.router)
api.add_router("/v1/", kpis.router)
api.add_router("/v1/", early_warnings.router)
api.add_router("/v1/", early_warnings_alerts.router)
api.add_router("/v1/public/", public.router)

urlpatterns = [path("", api.urls)]
