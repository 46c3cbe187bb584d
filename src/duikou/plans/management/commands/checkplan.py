from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError
from duikou.plans.export import export_plan
from duikou.plans.models import Plan


class Command(DuikouCommand):
    help = "核对已导入方案的数字是否自洽（duikou check PLAN-ID）/ check that a stored plan's numbers add up"
    example = "duikou check 1"

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="方案编号")

    def run(self, *args, id, lang=None, **options):
        from duikou.reader import check_plan, format_findings

        plan = Plan.objects.filter(pk=id).first()
        if plan is None:
            raise UserError(_("方案 %(id)s 不存在") % {"id": id})
        findings = check_plan(export_plan(plan))
        self.stdout.write(format_findings(findings, lang or "zh"))
        problems = sum(1 for f in findings if not f["ok"])
        return f"plan {id}: {problems} findings that do not add up, {len(findings) - problems} that do", {
            "plan": id,
            "findings": findings,
        }
