from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchesConfig(AppConfig):
    name = "duikou.dispatches"
    label = "dispatches"
    verbose_name = _("干部人才选派")
