from django.urls import path

from . import procedure_views, views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_index, name="index"),
    path("programs/<int:pk>/<int:year>/", views.assessment_detail, name="detail"),
    path("programs/<int:pk>/<int:year>.docx", views.assessment_docx, name="docx"),
    path("programs/<int:pk>/<int:year>.xlsx", views.assessment_xlsx, name="xlsx"),
    path("programs/<int:pk>/<int:year>/procedure/", procedure_views.procedure, name="procedure"),
    path("steps/<int:pk>.docx", procedure_views.step_docx, name="step_docx"),
]
