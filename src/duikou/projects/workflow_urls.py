from django.urls import path

from . import workflow_views as views

app_name = "projects_workflow"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("propose/", views.propose, name="propose"),
    path("<int:pk>/move/", views.move, name="move"),
]
