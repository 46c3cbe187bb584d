from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.national, name="national"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("targets/", views.target_mapping, name="targets"),
    path("panel/", views.panel, name="panel"),
]
