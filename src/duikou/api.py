"""The REST API (django-ninja): every domain app contributes a router from its api.py."""

from importlib import import_module

from ninja import NinjaAPI

from .core.api_docs import LocalSwagger, staff_only
from .core.api_throttle import ApiRateThrottle

api = NinjaAPI(
    title="duikou API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    docs=LocalSwagger(),
    docs_decorator=staff_only,
    throttle=[ApiRateThrottle()],
)

for _app in (
    "organizations",
    "programs",
    "plans",
    "targets",
    "funds",
    "projects",
    "dispatches",
    "reports",
    "assessments",
    "supervision",
):
    try:
        _module = import_module(f"duikou.{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"duikou.{_app}.api":
            raise
        continue
    api.add_router(f"/{_app}/", _module.router)

# Change requests are about plans' tasks, so they sit under /api/plans/ though supervision owns them.
from duikou.supervision.api import change_requests as _change_requests  # noqa: E402

api.add_router("/plans/change-requests/", _change_requests)
