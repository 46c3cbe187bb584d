from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.accounts.validators import generate_password
from duikou.core import permissions as perms
from duikou.core.commands import DuikouCommand, UserError
from duikou.organizations.models import Organization


class Command(DuikouCommand):
    help = "管理账户：新增、解锁、改角色、列出、为方案的责任单位开通 / manage accounts: add, unlock, role, list, provision"
    example = (
        "duikou user add mawei01 --org 福建省福州市马尾区 --role unit_reporter --email mw@example.cn\n"
        "  duikou user role mawei01 --role unit_head\n"
        "  duikou user provision --plan 3 --heads -o 账户.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["add", "unlock", "role", "list", "provision"],
            help="add | unlock | role | list | provision",
        )
        parser.add_argument("username", nargs="?", help="用户名 / user name")
        parser.add_argument("--org", help="所属单位（全称或名称）/ organization, full name or name")
        parser.add_argument("--role", choices=perms.ROLE_NAMES, help="角色 / role")
        parser.add_argument("--name", default="", help="姓名 / the person's name")
        parser.add_argument("--email", default="", help="电子邮箱（接收提醒）/ e-mail for reminders")
        parser.add_argument(
            "--password", default=None, help="密码（省略则随机生成并打印）/ password (random if omitted)"
        )
        parser.add_argument("--plan", type=int, help="provision：方案编号 / plan id")
        parser.add_argument(
            "--heads", action="store_true", help="provision：同时开通单位负责人 / unit heads too"
        )
        parser.add_argument(
            "-o", "--output", help="provision：账户表 .xlsx / write the accounts to this .xlsx"
        )

    def run(self, *args, action, username=None, **options):
        if action == "provision":
            return self._provision(**options)
        if action == "list":
            from duikou.accounts.services import locked_usernames

            locked = locked_usernames()
            users = User.objects.select_related("organization").order_by("username")
            lines = [
                f"{u.username}\t{u.role}\t{u.organization or '-'}\t{'locked' if u.username in locked else ''}"
                for u in users
            ]
            self.stderr.write("\n".join(lines)) if lines else None
            return f"{len(lines)} users", {"users": [u.username for u in users]}
        if not username:
            raise UserError(_("请给出用户名 / a user name is required"))
        if action in ("unlock", "role"):
            from duikou.accounts import services

            user = User.objects.filter(username=username).first()
            if user is None:
                raise UserError(_("用户 %(name)s 不存在 / no user %(name)s") % {"name": username})
            if action == "unlock":
                services.unlock(user=user)
                return f"user {username} unlocked", {"user": username, "unlocked": True}
            if not options.get("role"):
                raise UserError(_("--role：请给出角色（%(roles)s）") % {"roles": "、".join(perms.ROLE_NAMES)})
            services.set_role(user=user, role=options["role"])
            return f"user {username} is now {user.get_role_display()}", {"user": username, "role": user.role}
        return self._add(username, **options)

    def _provision(self, *, plan, heads, output, **options):
        from pathlib import Path

        from duikou.accounts import services
        from duikou.plans.models import Plan

        if plan is None:
            raise UserError(_("--plan：请给出方案编号 / a plan id is required"))
        found = Plan.objects.filter(pk=plan).first()
        if found is None:
            raise UserError(_("--plan：方案 %(id)s 不存在 / no plan %(id)s") % {"id": plan})
        if output and not output.lower().endswith(".xlsx"):
            raise UserError(_("-o：账户表须为 .xlsx 文件：%(file)s") % {"file": output})
        roles = [perms.UNIT_REPORTER] + ([perms.UNIT_HEAD] if heads else [])
        created, skipped = services.provision_unit_accounts(found, roles)
        if output:
            Path(output).write_bytes(services.accounts_workbook(found, created))
            self.stderr.write(_("初始密码已写入 %(file)s（首次登录须修改）") % {"file": output})
        else:
            for account in created:
                self.stderr.write(
                    f"{account.user.organization.full_name}\t{account.user.username}\t{account.password}"
                )
        return (
            f"{len(created)} accounts created for plan {found.pk} ({skipped} units already had one)",
            {"plan": found.pk, "created": [a.user.username for a in created], "skipped": skipped},
        )

    def _add(self, username, *, org, role, name, email, password, **options):
        if not role:
            raise UserError(_("--role：请给出角色（%(roles)s）") % {"roles": "、".join(perms.ROLE_NAMES)})
        if User.objects.filter(username=username).exists():
            raise UserError(_("用户名 %(name)s 已存在 / user %(name)s exists") % {"name": username})
        organization = None
        if org:
            matches = list(Organization.objects.filter(Q(full_name=org) | Q(name=org))[:6])
            if not matches:
                raise UserError(_("--org：找不到单位“%(org)s”/ no organization named %(org)s") % {"org": org})
            if len(matches) > 1:
                names = "、".join(m.full_name for m in matches[:5])
                raise UserError(
                    _("--org：“%(org)s”对应多个单位，请用全称：%(names)s") % {"org": org, "names": names}
                )
            organization = matches[0]
        elif role not in (perms.OFFICE_ADMIN, perms.AUDITOR, perms.LEADER, *perms.THREE_ADMINS):
            raise UserError(_("--org：单位填报员、单位负责人和受援方账户必须属于一个单位"))
        generated = password is None
        password = password or generate_password()
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            raise UserError(_("--password：%(errors)s") % {"errors": "；".join(exc.messages)}) from exc
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                email=email,
                first_name=name,
                role=role,
                organization=organization,
            )
        if generated:
            self.stderr.write(_("初始密码 / initial password: %(password)s") % {"password": password})
        return (
            f"user {user.username} created: {user.get_role_display()}, {organization or '-'}",
            {
                "user": user.username,
                "id": user.pk,
                "created": True,
                "role": role,
                "organization": organization.pk if organization else None,
                **({"password": password} if generated else {}),
            },
        )
