from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "duikou.analytics"
    verbose_name = _("统计汇总")

    def ready(self):
        from duikou.core import hooks

        from . import services, signals

        signals.connect()
        hooks.register(hooks.PLAN_IMPORTED, services.count_imported_plan)
