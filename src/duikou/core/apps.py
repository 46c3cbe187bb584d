from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "duikou.core"
    label = "core"
    verbose_name = _("系统与审计")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import (
            audit,  # noqa: F401  connects the change-log signal handlers
            lists,  # noqa: F401  registers the list export job
        )

        # Each app's jobs.py registers the kinds of long work it puts on the queue (core/jobs.py).
        autodiscover_modules("jobs")
