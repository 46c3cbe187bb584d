from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "duikou.indicators"
    label = "indicators"
    verbose_name = _("协作指标与年度协议")

    def ready(self):
        from . import signals  # noqa: F401  (a new target gets the indicator its words propose)
