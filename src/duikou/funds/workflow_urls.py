from django.urls import path

from . import workflow_views as views

app_name = "funds_workflow"
urlpatterns = [
    path("", views.transaction_list, name="list"),
    path("record/", views.record, name="record"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/correct/", views.correct, name="correct"),
]
