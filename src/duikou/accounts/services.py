"""Accounts for the units a published plan names, so that they can report the day the plan goes live."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core import sheets
from duikou.core.models import SecurityEvent
from duikou.core.security import record
from duikou.organizations.models import Organization

from .models import User
from .validators import generate_password

# The suffix of each provisioned role's user name: 350105-tb is 马尾区's 填报员, 350105-fz its 负责人.
ROLE_SUFFIX = {perms.UNIT_REPORTER: "tb", perms.UNIT_HEAD: "fz"}


@dataclass
class NewAccount:
    user: User
    password: str  # shown once, never stored in clear


def plan_units(plan) -> list[Organization]:
    """The organizations a plan gives work to: responsible units of its tasks and units its targets are split to."""
    return list(
        Organization.objects.filter(Q(responsibilities__task__plan=plan) | Q(allocations__target__plan=plan))
        .distinct()
        .order_by("tree_path")
    )


def _username(org: Organization, role: str) -> str:
    return f"{org.division_code or f'dw{org.pk}'}-{ROLE_SUFFIX[role]}"


def provision_unit_accounts(plan, roles=(perms.UNIT_REPORTER,)) -> tuple[list[NewAccount], int]:
    """One account per role for every unit of the plan that has none yet; returns (new accounts, units skipped).

    All are created in one transaction; each must change its generated password at first sign-in."""
    for role in roles:
        if role not in ROLE_SUFFIX:
            raise ValueError(_("只能为单位开通填报员或负责人账户：%(role)s") % {"role": role})
    created: list[NewAccount] = []
    skipped = 0
    units = plan_units(plan)
    having = set(
        User.objects.filter(organization__in=units, role__in=roles, is_active=True).values_list(
            "organization_id", "role"
        )
    )
    taken = set(
        User.objects.filter(username__in=[_username(o, r) for o in units for r in roles]).values_list(
            "username", flat=True
        )
    )
    with transaction.atomic():
        for org in units:
            for role in roles:
                if (org.pk, role) in having:
                    skipped += 1
                    continue
                username = _username(org, role)
                suffix = 2
                while username in taken:
                    username = f"{_username(org, role)}{suffix}"
                    suffix += 1
                taken.add(username)
                password = generate_password()
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    role=role,
                    organization=org,
                    first_name=org.name[:150],
                    must_change_password=True,
                )
                created.append(NewAccount(user, password))
    return created, skipped


def accounts_workbook(plan, accounts: list[NewAccount]) -> bytes:
    """The new accounts as .xlsx to hand to the units: 单位, 用户名, 角色, 初始密码."""
    note = _("首次登录后须修改密码")
    rows = (
        [a.user.organization.full_name, a.user.username, a.user.get_role_display(), a.password, note]
        for a in accounts
    )
    return sheets.write_sheet(
        _("账户"),
        [_("单位"), _("用户名"), _("角色"), _("初始密码"), _("说明")],
        rows,
        widths=(40, 18, 12, 18, 22),
        below=[[], [_("方案：%(title)s") % {"title": plan.title}]],
    )


def assignable_roles(actor) -> tuple[str, ...]:
    """The roles `actor` may grant: the superuser sets up the three administrators, the security administrator
    grants every other role; nobody else grants any (三员分立). `actor=None` is the server's operator (CLI)."""
    if actor is None:
        return perms.ROLE_NAMES
    role = perms.role_of(actor)
    if role == perms.SUPERUSER:
        return perms.THREE_ADMINS
    if role == perms.SECURITY_ADMIN:
        return tuple(r for r in perms.ROLE_NAMES if r not in perms.THREE_ADMINS)
    return ()


@transaction.atomic
def set_role(*, user: User, role: str, actor=None) -> None:
    """Give `user` a role, if `actor` may grant it (the change is in the security audit and the change log)."""
    if role not in perms.ROLE_NAMES:
        raise ValueError(_("未知角色：%(role)s") % {"role": role})
    if role not in assignable_roles(actor) or (
        actor is not None and user.role in perms.THREE_ADMINS and perms.role_of(actor) != perms.SUPERUSER
    ):
        raise PermissionDenied(_("无权授予角色 %(role)s") % {"role": role})
    user.role = role
    user.save()


@transaction.atomic
def unlock(*, user: User) -> None:
    """Lift the login lockouts of this account, from every address; recorded in the security audit."""
    from axes.utils import reset

    cleared = reset(username=user.get_username())
    record(SecurityEvent.UNLOCK, target=user.get_username(), detail={"attempt_records_cleared": cleared})


def locked_usernames() -> set[str]:
    """User names locked out from at least one address right now."""
    from axes.handlers.proxy import AxesProxyHandler  # noqa: F401  (settings loaded)
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).values_list("username", flat=True)
    )


@transaction.atomic
def reset_second_factor(*, user: User) -> None:
    """Remove the user's TOTP devices (a lost phone): the next sign-in enrols anew; recorded in the security audit."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    record(SecurityEvent.OTP_RESET, target=user.get_username(), detail={"devices_removed": removed})
