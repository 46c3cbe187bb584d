from django.contrib import admin

from .models import ChangeLog
from .permissions import CHANGE, DELETE, VIEW


class RestrictedAdmin(admin.ModelAdmin):
    """Admin pages go through the same permission gate as pages, API and exports."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, VIEW)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or type(obj).objects.restrict(request.user, CHANGE).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or type(obj).objects.restrict(request.user, DELETE).filter(pk=obj.pk).exists()


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "source", "action", "content_type", "object_repr")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "object_id", "request_id", "user__username")
    date_hierarchy = "at"

    # Read-only for everyone: the log is evidence for auditors.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
