import os
from pathlib import Path

from django.core.management import call_command
from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError

DEFAULT_EXAMPLES = Path(__file__).resolve().parents[4].parent / "examples" / "plans"


class Command(DuikouCommand):
    help = "准备演示数据：建库、行政区划、五个示例方案、各角色演示账号 / set up the demo database"
    example = "duikou demo && duikou serve"

    def add_arguments(self, parser):
        parser.add_argument("--examples", default=str(DEFAULT_EXAMPLES), help="示例方案目录")

    def run(self, *args, examples, **options):
        from duikou.organizations.services import seed_divisions
        from duikou.plans.importer import import_plan_file

        folder = Path(examples)
        files = sorted(
            p for p in folder.glob("*") if p.suffix.lower() in {".txt", ".json", ".html", ".docx", ".pdf"}
        )
        if not files:
            raise UserError(_("%(folder)s：没有找到示例方案文件") % {"folder": folder})
        call_command("migrate", interactive=False, verbosity=0)
        from duikou.indicators.services import load_catalogue

        load_catalogue()  # shipped by a migration; again here where a test database was emptied since
        added = seed_divisions()
        if added:
            self.stderr.write(_("已载入行政区划 %(n)s 个") % {"n": added})
        plans = []
        for path in files:
            # The demo decides as an office would: names that are no unit (各预算主管部门) are dropped.
            result = import_plan_file(path, drop_placeholder_units=True)
            plans.append(result.plan.pk)
            self.stderr.write(
                (
                    _("已导入：%(title)s（方案 %(id)s）")
                    if result.created
                    else _("已存在：%(title)s（方案 %(id)s）")
                )
                % {"title": result.plan.title, "id": result.plan.pk}
            )
        password = os.environ.get("DUIKOU_DEMO_PASSWORD", "duikou-demo-2026")
        users = _demo_users(password)
        from duikou.accounts.models import User
        from duikou.core.actor import acting_as
        from duikou.demo.activity import add_activity, add_minning_agreement

        admin = User.objects.get(username="admin")
        with acting_as(admin, source="cli"):
            from duikou.plans.models import Plan
            from duikou.programs.services import publish_program

            # The seeds are public documents (此件主动公开): their programs are published, through the change log.
            for plan in Plan.objects.filter(pk__in=plans).select_related("program"):
                publish_program(program=plan.program, user=admin)
            activity = add_activity(admin)
            add_minning_agreement()
        if activity["reports"] or activity["payments"]:
            self.stderr.write(
                _("已生成演示工作记录：月报 %(r)s 份（已审核），付款 %(p)s 笔")
                % {"r": activity["reports"], "p": activity["payments"]}
            )
        self.stdout.write(
            f"\n演示已就绪 / demo ready: http://127.0.0.1:8000\n"
            f"  管理员 / admin login: admin / {password}\n"
            + "".join(f"  {label}: {name} / {password}\n" for name, label in users)
        )
        return f"demo ready: {len(plans)} plans, admin login admin / {password}", {
            "plans": plans,
            "admin": "admin",
        }


def _demo_users(password: str) -> list[tuple[str, str]]:
    """One account per role, tied to organizations of the demo plans."""
    from duikou.accounts.models import User
    from duikou.core import permissions as perms
    from duikou.organizations.models import Organization

    def org(full_name):
        return Organization.objects.filter(full_name=full_name).first()

    specs = [
        ("admin", perms.OFFICE_ADMIN, None, "对口办管理员"),
        ("leader", perms.LEADER, None, "领导"),
        ("auditor", perms.AUDITOR, None, "督查审计"),
        ("mawei", perms.UNIT_REPORTER, org("福建省福州市马尾区"), "马尾区填报员"),
        ("mawei_head", perms.UNIT_HEAD, org("福建省福州市马尾区"), "马尾区负责人"),
        ("wanzhou", perms.RECIPIENT_VIEWER, org("重庆市万州区"), "万州区（受援方）"),
        ("sysadmin", perms.SYSTEM_ADMIN, None, "系统管理员"),
        ("secadmin", perms.SECURITY_ADMIN, None, "安全管理员"),
        ("auditadmin", perms.AUDIT_ADMIN, None, "安全审计员"),
    ]
    made = []
    for username, role, organization, label in specs:
        user, _created = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role, user.organization = role, organization
        user.is_superuser = (
            False  # the office administrator is no superuser (三员分立); is_staff follows the role
        )
        user.first_name = label
        user.set_password(password)
        user.save()
        if username != "admin":
            made.append((username, label))
    return made
