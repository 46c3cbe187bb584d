from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "duikou.reports"
    label = "reports"
    verbose_name = _("月报与提醒")

    def ready(self):
        from duikou.core import hooks

        from .reminders import note_receipt

        hooks.register(hooks.RECEIPT_JUDGED, note_receipt)
