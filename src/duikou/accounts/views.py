from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.plans.models import Plan

from . import services
from .forms import LoginForm
from .models import User


class LoginView(auth_views.LoginView):
    """The Chinese sign-in page, with lockout messages."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """Axes' answer to a locked user name at this address: the login page with one message, the same whether
    the name is an account or not (status 429 either way)."""
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    message = _("登录失败次数过多，请 %(minutes)s 分钟后再试，或联系安全管理员解锁。") % {
        "minutes": settings.DUIKOU_LOCKOUT_MINUTES
    }
    return render(
        request,
        "accounts/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=429,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; clears the first-sign-in demand and starts a new expiry period."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)  # User.set_password dates the change; User.save logs it
        if self.request.user.must_change_password:
            self.request.user.must_change_password = False
            self.request.user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("密码已修改"))
        return response


@login_required
def provision(request, pk: int):
    """The office opens an account for every unit of a plan that has none, and downloads them once as .xlsx."""
    if not workflow.can(request.user, "accounts.provision"):
        raise PermissionDenied(_("只有对口办管理员可以开通账户"))
    plan = get_object_or_404(Plan.objects.restrict(request.user, perms.VIEW), pk=pk)
    if request.method == "POST":
        roles = [perms.UNIT_REPORTER] + ([perms.UNIT_HEAD] if request.POST.get("heads") else [])
        created, _skipped = services.provision_unit_accounts(plan, roles)
        response = HttpResponse(
            services.accounts_workbook(plan, created),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-accounts.xlsx"'
        response["Cache-Control"] = "no-store"  # the sheet carries initial passwords
        return response
    units = services.plan_units(plan)
    existing = defaultdict(list)
    for user in User.objects.filter(organization__in=units, is_active=True).order_by("username"):
        existing[user.organization_id].append(f"{user.username}（{user.get_role_display()}）")
    reporters = set(
        User.objects.filter(organization__in=units, role=perms.UNIT_REPORTER, is_active=True).values_list(
            "organization_id", flat=True
        )
    )
    return render(
        request,
        "accounts/provision.html",
        {
            "plan": plan,
            "units": [(org, existing.get(org.pk, [])) for org in units],
            "total": len(units),
            "missing": sum(1 for org in units if org.pk not in reporters),
        },
    )
