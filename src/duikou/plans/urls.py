from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="list"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/matrix/", views.plan_matrix, name="matrix"),
    path("<int:pk>/findings/", views.plan_findings_fragment, name="findings"),
]
