from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.ProgramListView.as_view(), name="list"),
    path("pairings/", views.PairingListView.as_view(), name="pairings"),
    path("<int:pk>/", views.program_detail, name="detail"),
]
