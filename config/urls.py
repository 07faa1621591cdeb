"""URL root: the work pages, the public lookup, the API and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("xinfang.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("public/", include("xinfang.portal.urls")),
    path("api/", include("xinfang.api.urls")),
    path("routing/", include("xinfang.routing.urls")),
    path("warnings/", include("xinfang.early_warnings.urls")),
    path("reception/", include("xinfang.reception.urls")),
    path("outreach/", include("xinfang.outreach.urls")),
    path("import/", include("xinfang.ledger_import.urls")),
    path("", include("xinfang.assessment.urls")),
    path("", include("xinfang.petitions.urls")),
]
