from django.urls import path

from . import job_views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", job_views.page, name="page"),
    path("<int:pk>/status/", job_views.status, name="status"),
    path("<int:pk>/next/", job_views.next_page, name="next"),
    path("<int:pk>/download/", job_views.download, name="download"),
]
