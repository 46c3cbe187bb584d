from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/urge/", views.task_urge, name="task_urge"),
    path("tasks/<int:pk>/request/", views.request_new, name="request_new"),
    path("reports/<int:pk>/urge/", views.report_urge, name="report_urge"),
    path("periods/", views.periods, name="periods"),
    path("rules/", views.light_rules, name="rules"),
    path("programs/<int:pk>/settings/", views.program_settings, name="program_settings"),
    path("notices/", views.notice_ledger, name="notices"),
    path("notices/check/", views.notice_check, name="notice_check"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/docx/", views.notice_docx, name="notice_docx"),
    path("notices/<int:pk>/evidence/", views.notice_evidence, name="notice_evidence"),
    path("instructions/", views.instruction_list, name="instructions"),
    path("instructions/new/", views.instruction_new, name="instruction_new"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction"),
    path("urges/", views.urge_list, name="urges"),
    path("urges/<int:pk>/", views.urge_detail, name="urge"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/approve/", views.request_decide, {"decision": "approve"}, name="request_approve"),
    path("requests/<int:pk>/reject/", views.request_decide, {"decision": "reject"}, name="request_reject"),
    path("requests/<int:pk>/evidence/", views.request_evidence, name="request_evidence"),
]
