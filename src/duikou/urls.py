from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("duikou.accounts.urls")),
    path("reports/", include("duikou.reports.urls")),
    path("receipts/", include("duikou.funds.workflow_urls")),
    path("project-moves/", include("duikou.projects.workflow_urls")),
    path("changes/", include("duikou.changes.urls")),
    path("jobs/", include("duikou.core.job_urls")),
    path("assessments/", include("duikou.assessments.urls")),
    path("indicators/", include("duikou.indicators.urls")),
    path("supervision/", include("duikou.supervision.urls")),
    path("", include("duikou.exchange.urls")),
    path("", include("duikou.web.urls")),
]
