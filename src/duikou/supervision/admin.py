from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import (
    ChangeRequest,
    Delivery,
    Instruction,
    InstructionTarget,
    LightRule,
    SupervisionNotice,
    Urge,
    WebhookChannel,
)


@admin.register(Urge)
class UrgeAdmin(RestrictedAdmin):
    list_display = ("organization", "task", "report", "created_at", "read_at", "answered_at")
    list_filter = ("read_at", "answered_at")
    search_fields = ("organization__full_name", "message", "answer")
    readonly_fields = ("read_at", "read_by", "answered_at", "answered_by")
    raw_id_fields = ("task", "report", "organization", "created_by")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(RestrictedAdmin):
    list_display = ("task", "organization", "kind", "status", "created_at", "decided_at")
    list_filter = ("kind", "status")
    search_fields = ("organization__full_name", "reason", "task__title")
    # Approving moves the task: that goes through supervision.services, never an admin edit.
    readonly_fields = ("status", "decided_by", "decided_at", "decision_reason")
    raw_id_fields = ("task", "organization", "requested_by")


@admin.register(WebhookChannel)
class WebhookChannelAdmin(RestrictedAdmin):
    list_display = ("name", "kind", "organization", "program", "message_format", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "organization__full_name", "program__name")
    raw_id_fields = ("organization", "program")


@admin.register(Delivery)
class DeliveryAdmin(RestrictedAdmin):
    list_display = ("key", "channel", "attempts", "sent_at", "next_try_at", "last_error")
    list_filter = ("channel",)
    search_fields = ("key", "address")
    readonly_fields = [f.name for f in Delivery._meta.fields]


@admin.register(Instruction)
class InstructionAdmin(RestrictedAdmin):
    list_display = ("leader_name", "task", "organization", "report", "created_at", "closed_at")
    search_fields = ("leader_name", "text")
    raw_id_fields = ("task", "organization", "report", "issued_by")


@admin.register(InstructionTarget)
class InstructionTargetAdmin(RestrictedAdmin):
    list_display = ("instruction", "organization", "read_at", "answered_at")
    search_fields = ("organization__full_name", "answer")
    raw_id_fields = ("instruction", "organization", "answered_by")


@admin.register(LightRule)
class LightRuleAdmin(RestrictedAdmin):
    list_display = ("program", "due_soon_days", "behind_points", "notice_after_days", "report_grace_days")
    search_fields = ("program__name",)
    raw_id_fields = ("program",)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(RestrictedAdmin):
    list_display = ("__str__", "organization", "task", "status", "issued_at", "answer_due", "closed_at")
    list_filter = ("level", "status", "year")
    search_fields = ("organization__full_name", "reason", "answer")
    # Issuing, answering and closing go through supervision.notices (numbers, notices, deliveries).
    readonly_fields = (
        "year",
        "sequence",
        "status",
        "issued_at",
        "issued_by",
        "answered_at",
        "answered_by",
        "closed_at",
    )
    raw_id_fields = ("task", "organization", "escalated_from")
