from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.FundingLineListView.as_view(), name="list"),
    path("plan/<int:pk>/", views.plan_schedule, name="schedule"),
]
