from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The sign-in form. One message for a wrong password and an unknown name alike: it never says whether an
    account exists. Lockouts answer from accounts.views.locked_out, the same for real and unknown names."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续输错多次将暂停从本地址登录。"),
        "inactive": _("用户名或密码不正确。连续输错多次将暂停从本地址登录。"),
    }
