from django.urls import path

from . import views

app_name = "changes"
urlpatterns = [
    path("", views.search, name="search"),
    path("security/", views.security_log, name="security"),
    path("<str:app_label>/<str:model_name>/<str:pk>/", views.object_history, name="object"),
]
