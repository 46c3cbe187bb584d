"""The site's pages: the web app's own (dashboard, import) and each domain app's, each under its namespace."""

from django.urls import include, path

from . import import_views, views

web_patterns = [
    path("", views.home, name="home"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_review, name="import_review"),
    path("import/<int:pk>/edit/", import_views.import_edit, name="import_edit"),
    path("import/<int:pk>/resolve/", import_views.import_resolve, name="import_resolve"),
    path("import/<int:pk>/publish/", import_views.import_publish, name="import_publish"),
    path("import/<int:pk>/discard/", import_views.import_discard, name="import_discard"),
    path("import/units/", import_views.unit_suggestions, name="unit_suggestions"),
]

# No app_name here: the root includes this module plainly, and each part brings its own namespace.
urlpatterns = [
    path("", include((web_patterns, "web"))),
    path("plans/", include("duikou.plans.urls")),
    path("targets/", include("duikou.targets.urls")),
    path("funds/", include("duikou.funds.urls")),
    path("projects/", include("duikou.projects.urls")),
    path("dispatches/", include("duikou.dispatches.urls")),
    path("programs/", include("duikou.programs.urls")),
    path("organizations/", include("duikou.organizations.urls")),
]
