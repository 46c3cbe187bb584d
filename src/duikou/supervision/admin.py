from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import ChangeRequest, Delivery, Urge, WebhookChannel


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
