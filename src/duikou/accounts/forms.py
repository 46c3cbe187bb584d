from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .backends import is_locked


class LoginForm(AuthenticationForm):
    """The sign-in form; a locked account is told until when, instead of a bare 'wrong password'."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续输错多次账户将被临时锁定。"),
        "inactive": _("该账户已停用，请联系对口办管理员。"),
        "locked": _("该账户因连续登录失败已被锁定，请于 %(until)s 之后再试，或联系对口办管理员解锁。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            user = get_user_model()._default_manager.filter(username=username).first()
            if user is not None and is_locked(user):
                until = timezone.localtime(user.locked_until).strftime("%H:%M")
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"until": until}
                )
        return super().clean()
