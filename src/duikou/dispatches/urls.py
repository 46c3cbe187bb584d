from django.urls import path

from . import views

app_name = "dispatches"
urlpatterns = [
    path("", views.DispatchListView.as_view(), name="list"),
]
