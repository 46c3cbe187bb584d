from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.TargetListView.as_view(), name="list"),
    path("<int:pk>/", views.target_detail, name="detail"),
]
