"""The password policy's own rule (等保2.0): three of the four kinds of character, and not the user name."""

import secrets
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters the password uses."""
    used = sum(any(c in cls for c in password) for cls in CLASSES)
    return used + any(not c.isascii() or not c.isalnum() for c in password)


class CharacterClassesValidator:
    """At least `min_classes` of: lower case, upper case, digits, other characters; never the user name itself."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、其他符号中的至少 %(n)s 类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )
        username = (getattr(user, "username", "") or "").lower()
        if (
            username
            and len(username) >= 3
            and (username in password.lower() or username[::-1] in password.lower())
        ):
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、其他符号中的至少 %(n)s 类，且不能包含用户名。") % {
            "n": self.min_classes
        }


def generate_password(length: int = 14) -> str:
    """A random password that meets the policy (every class present), for accounts the office hands out."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if character_classes(password) == 4:
            return password
