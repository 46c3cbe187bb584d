"""The API docs page: swagger-ui from the project's own static files (npm, like ECharts), for signed-in staff."""

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    """django-ninja's Swagger page with duikou's template: no CDN, no inline script."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        return render(request, "core/api_docs.html", {"swagger_settings": self.settings, "api": api})


def staff_only(view):
    """The docs and the OpenAPI document: signed-in staff only (anyone else goes to the admin login)."""
    return staff_member_required(view)
