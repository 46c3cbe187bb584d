"""The leaders' dashboard (figures in `stats`, its files in `dashboard_export`); the import wizard's pages are
`import_views`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from duikou.core.dates import today_for

from . import dashboard_export, stats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def home(request):
    """The leaders' dashboard: completion, overdue, targets reached, funds executed per program and unit;
    ?export=xlsx or ?export=docx gives the same figures as a workbook or a 公文."""
    export = request.GET.get("export")
    if export in ("xlsx", "docx"):
        stamp = today_for().isoformat()
        if export == "xlsx":
            data, kind = dashboard_export.dashboard_xlsx(request.user), XLSX
        else:
            data, kind = dashboard_export.dashboard_docx(request.user), DOCX
        response = HttpResponse(data, content_type=kind)
        response["Content-Disposition"] = content_disposition_header(True, f"工作总览-{stamp}.{export}")
        return response
    return render(
        request, "web/dashboard.html", stats.dashboard(request.user, page=request.GET.get("page") or 1)
    )
