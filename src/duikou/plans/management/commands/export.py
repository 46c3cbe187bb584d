import json

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError
from duikou.plans.export import export_plan
from duikou.plans.models import Plan


class Command(DuikouCommand):
    help = "导出方案为 duikou.plan/1 JSON / export a plan as duikou.plan/1 JSON"
    example = "duikou export plan 1 --format json > plan-1.json"
    exports_data = True

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["plan"], help="导出对象类型")
        parser.add_argument("id", type=int, help="方案编号")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--output", "-o", help="写入文件（默认标准输出）")

    def run(self, *args, kind, id, output=None, **options):
        plan = Plan.objects.filter(pk=id).first()
        if plan is None:
            raise UserError(_("方案 %(id)s 不存在") % {"id": id})
        text = json.dumps(export_plan(plan), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            return f"plan {id} exported to {output}", {"plan": id, "file": output}
        self.stdout.write(text)
        return None
