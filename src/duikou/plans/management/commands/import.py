from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError
from duikou.plans.services import import_plan_file
from duikou.programs.models import Program


class Command(DuikouCommand):
    help = "导入方案（duikou.plan/1 JSON 或方案文档），全部成功或全部不导入 / import a plan, all or nothing"
    example = "duikou import examples/plans/000_9dcb29bf5a57c0dc.txt"

    def add_arguments(self, parser):
        parser.add_argument("file", help="方案文件：.json（duikou.plan/1）或 .txt/.html/.docx/.pdf")
        parser.add_argument("--program", type=int, help="归入已有的对口关系（编号）")
        parser.add_argument("--draft", action="store_true", help="导入为草稿，不发布")

    def run(self, *args, file, program=None, draft=False, **options):
        target_program = None
        if program is not None:
            target_program = Program.objects.filter(pk=program).first()
            if target_program is None:
                raise UserError(_("--program %(id)s：没有这个对口关系") % {"id": program})
        with self.progress() as bar:
            task_id = bar.add_task("导入任务 / importing tasks", total=None)

            def advance(done, total):
                bar.update(task_id, completed=done, total=total)

            result = import_plan_file(file, program=target_program, publish=not draft, progress=advance)
        for note in result.notes:
            self.stderr.write(_("注意：%(note)s") % {"note": note})
        if not result.created:
            self.stderr.write(_("该来源文件已导入过，未重复导入（方案 %(id)s）") % {"id": result.plan.pk})
        return result.summary(), result.as_json()
