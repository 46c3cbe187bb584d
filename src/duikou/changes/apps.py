from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    """The change log's pages (search, one record's history, security events). The log itself is written by
    `core.audit` for every app, so its model stays in core; only the pages that read it live here."""

    name = "duikou.changes"
    label = "changes"
    verbose_name = _("变更记录")
