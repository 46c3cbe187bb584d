from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "duikou.analytics"
    verbose_name = _("统计汇总")

    def ready(self):
        from . import signals

        signals.connect()
