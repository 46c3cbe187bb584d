from django.urls import path, re_path

from . import views

app_name = "exchange"
urlpatterns = [
    path("open/", views.public_index, name="public_index"),
    re_path(
        r"^open/(?P<dataset>[a-z]+)\.(?P<fmt>csv|json)$",
        views.public_national_dataset,
        name="public_national_dataset",
    ),
    path("open/programs/<int:pk>/", views.public_program, name="public_program"),
    path("open/programs/<int:pk>/iati.xml", views.public_iati, name="public_iati"),
    re_path(
        r"^open/programs/(?P<pk>\d+)/(?P<dataset>[a-z]+)\.(?P<fmt>csv|json)$",
        views.public_dataset,
        name="public_dataset",
    ),
    path("exchange/plans/<int:pk>/tasktable.xlsx", views.tasktable_export, name="tasktable_export"),
    path("exchange/plans/<int:pk>/tasktable/", views.tasktable_import, name="tasktable_import"),
    path("exchange/programs/<int:pk>/bulletin.docx", views.bulletin, name="bulletin"),
    path("exchange/targets/allocations.xlsx", views.allocations_export, name="allocations_xlsx"),
    path("exchange/reports.xlsx", views.reports_export, name="reports_xlsx"),
]
