from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "duikou.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self):
        from django.contrib import admin

        from . import signals
        from .otp import DuikouAdminSite

        signals.connect()
        admin.site.__class__ = DuikouAdminSite  # the admin through django-otp (OTPAdminSite)
        # The libraries' own admin pages follow Django's permission table, not the roles: devices (with their
        # secrets) and login attempts are kept through the security administrator's actions instead.
        for model in admin.site._registry.copy():
            if model._meta.app_label in {"otp_totp", "axes"}:
                admin.site.unregister(model)
