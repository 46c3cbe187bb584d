"""The second factor (django-otp TOTP) for administrators: enrol once by scanning a QR code, then give the
six-digit code after every sign-in. Required for the roles in perms.OTP_ROLES while DUIKOU_OTP_REQUIRED is on."""

from __future__ import annotations

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.core import permissions as perms
from duikou.core.models import SecurityEvent
from duikou.core.security import record


def otp_required(user) -> bool:
    """Whether this user must pass a second factor before using the site (one owner of the rule)."""
    return bool(settings.DUIKOU_OTP_REQUIRED) and perms.role_of(user) in perms.OTP_ROLES


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("动态口令（6 位数字）"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code, drawn on the server (nothing leaves for a QR service)."""
    return segno.make(uri, error="m").svg_inline(scale=4, light="#fff")


@login_required
def enrol(request):
    """Bind an authenticator app: a new secret as a QR code and as text; confirmed by a first correct code."""
    if list(devices_for_user(request.user, confirmed=True)):
        return redirect(f"{settings.DUIKOU_OTP_VERIFY_URL}?next={_next(request)}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("身份验证器"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record(
                SecurityEvent.OTP_ENROL,
                user=request.user,
                target=request.user.get_username(),
                request=request,
            )
            return redirect(_next(request))
        record(
            SecurityEvent.OTP_FAILED,
            outcome=SecurityEvent.FAILURE,
            user=request.user,
            target=request.user.get_username(),
            request=request,
            detail={"step": "enrol"},
        )
        form.add_error("token", _("动态口令不正确，请核对手机时间后重试"))
    uri = device.config_url
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": qr_svg(uri),
            "uri": uri,
            "secret": uri.split("secret=")[1].split("&")[0],
            "next": _next(request),
        },
    )


@login_required
def verify(request):
    """The second step of signing in for an administrator: the current code from the authenticator app."""
    if not list(devices_for_user(request.user, confirmed=True)):
        return redirect(f"{settings.DUIKOU_OTP_ENROL_URL}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        record(
            SecurityEvent.OTP_FAILED,
            outcome=SecurityEvent.FAILURE,
            user=request.user,
            target=request.user.get_username(),
            request=request,
            detail={"step": "verify"},
        )
        form.add_error("token", _("动态口令不正确"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


class DuikouAdminSite(OTPAdminSite):
    """The admin through django-otp: a staff member must have passed the second factor (while it is required)."""

    def has_permission(self, request):
        if not settings.DUIKOU_OTP_REQUIRED:
            return super(OTPAdminSite, self).has_permission(request)
        return super().has_permission(request)
