"""A TOTP second factor (django-otp) for the administrators: enrolment with a server-drawn QR code, a code after
each sign-in, the admin site through OTPAdminSite; codes computed here with django-otp's own functions."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.core import permissions as perms
from duikou.core.models import SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.DUIKOU_OTP_REQUIRED = True


def code(device, offset=0) -> str:
    totp = TOTP(key=device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{totp.token():0{device.digits}d}"


def signed_in(client, user, password):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    return response


def test_shipped_default_requires_it():
    from duikou import settings as configured

    assert configured.DUIKOU_OTP_REQUIRED is True


@pytest.mark.parametrize(
    "role", [perms.OFFICE_ADMIN, perms.SYSTEM_ADMIN, perms.SECURITY_ADMIN, perms.AUDIT_ADMIN]
)
def test_an_administrator_enrols_then_gives_a_code_at_each_sign_in(client, make_user, role):
    user = make_user("boss", role)
    signed_in(client, user, user.raw_password)
    # Before enrolment every page leads to the enrolment page; the API refuses.
    home = client.get(reverse("web:home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:otp_enrol"))
    assert client.get("/api/plans/").status_code == 403
    page = client.get(reverse("accounts:otp_enrol")).content.decode()
    assert "<svg" in page and "otpauth://totp/" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert (
        client.post(
            reverse("accounts:otp_enrol"), {"token": "000000" if code(device) != "000000" else "111111"}
        ).status_code
        == 200
    )
    time.sleep(1.1)  # django-otp throttles a device for a second after a wrong code
    assert client.post(reverse("accounts:otp_enrol"), {"token": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("web:home")).status_code in (200, 302)
    assert not client.get(reverse("web:home")).get("Location", "").startswith("/accounts/otp")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.OTP_ENROL, target="boss").exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.OTP_FAILED, target="boss").exists()

    # The next sign-in asks for the code again.
    client.post(reverse("accounts:logout"))
    signed_in(client, user, user.raw_password)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("accounts:otp_verify"))
    device.refresh_from_db()
    assert client.post(reverse("accounts:otp_verify"), {"token": code(device, offset=1)}).status_code == 302
    assert not client.get(reverse("web:home")).get("Location", "").startswith("/accounts/otp")


def test_units_need_no_second_factor(client, make_user, org):
    user = make_user("mawei", perms.UNIT_REPORTER, org("福建省福州市马尾区"))
    signed_in(client, user, user.raw_password)
    assert client.get(reverse("web:home")).status_code == 200


def test_the_admin_site_needs_a_verified_second_factor(client, make_user):
    from django.contrib import admin
    from django_otp.admin import OTPAdminSite

    assert isinstance(admin.site, OTPAdminSite)
    user = make_user("audit", perms.AUDIT_ADMIN)
    client.force_login(user)
    # Signed in with a password only: no admin page.
    assert client.get(reverse("admin:core_securityevent_changelist"))["Location"].startswith("/accounts/otp/")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("accounts:otp_verify"), {"token": code(device)})
    assert client.get(reverse("admin:core_securityevent_changelist")).status_code == 200


def test_the_security_admin_resets_a_lost_second_factor(client, make_user):
    user = make_user("boss", perms.OFFICE_ADMIN)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    secadmin = make_user("sec", perms.SECURITY_ADMIN)
    client.force_login(secadmin)
    device = TOTPDevice.objects.create(user=secadmin, name="phone", confirmed=True)
    client.post(reverse("accounts:otp_verify"), {"token": code(device)})
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.OTP_RESET, target="boss", username="sec").exists()
    # The libraries' own admin pages (devices with their secrets, login attempts) are not offered.
    from django.contrib import admin

    assert not {m._meta.app_label for m in admin.site._registry} & {"otp_totp", "axes"}
