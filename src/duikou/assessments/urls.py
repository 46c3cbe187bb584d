from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_index, name="index"),
    path("programs/<int:pk>/<int:year>/", views.assessment_detail, name="detail"),
    path("programs/<int:pk>/<int:year>.docx", views.assessment_docx, name="docx"),
    path("programs/<int:pk>/<int:year>.xlsx", views.assessment_xlsx, name="xlsx"),
]
