from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError
from duikou.organizations.models import Organization
from duikou.plans.importer import PlaceholderUnitsError, import_plan_file
from duikou.programs.models import Program


class Command(DuikouCommand):
    help = "导入方案（duikou.plan/1 JSON 或方案文档），全部成功或全部不导入 / import a plan, all or nothing"
    example = "duikou import examples/plans/000_9dcb29bf5a57c0dc.txt"

    def add_arguments(self, parser):
        parser.add_argument("file", help="方案文件：.json（duikou.plan/1）或 .txt/.html/.docx/.pdf")
        parser.add_argument("--program", type=int, help="归入已有的对口关系（编号）")
        parser.add_argument("--draft", action="store_true", help="导入为草稿，不发布")
        # As the import review: a name that is no organization (各预算主管部门, 各签约单位) is mapped or dropped.
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="名称=单位编号",
            help="把方案中的单位名称对应到已有单位，如 --map 各签约单位=12（可多次）",
        )
        parser.add_argument(
            "--drop-unit",
            action="append",
            default=[],
            metavar="名称",
            help="从方案中删去该单位名称（可多次）",
        )

    def run(self, *args, file, program=None, draft=False, map=(), drop_unit=(), **options):  # noqa: A002
        target_program = None
        if program is not None:
            target_program = Program.objects.filter(pk=program).first()
            if target_program is None:
                raise UserError(_("--program %(id)s：没有这个对口关系") % {"id": program})
        resolutions = {}
        for item in map:
            name, sep, pk = item.rpartition("=")
            organization = Organization.objects.filter(pk=pk).first() if sep and pk.isdigit() else None
            if not name or organization is None:
                raise UserError(_("--map %(item)s：应为“名称=单位编号”，且单位须已存在") % {"item": item})
            resolutions[name] = organization
        with self.progress() as bar:
            task_id = bar.add_task("导入任务 / importing tasks", total=None)

            def advance(done, total):
                bar.update(task_id, completed=done, total=total)

            try:
                result = import_plan_file(
                    file,
                    program=target_program,
                    publish=not draft,
                    progress=advance,
                    resolutions=resolutions,
                    drop=tuple(drop_unit),
                    refuse_placeholder_units=True,
                )
            except PlaceholderUnitsError as exc:
                raise UserError(
                    _("%(error)s（用 --map 名称=单位编号 对应到已有单位，或 --drop-unit 名称 删除）")
                    % {"error": exc}
                ) from None
        for note in result.notes:
            self.stderr.write(_("注意：%(note)s") % {"note": note})
        if not result.created:
            self.stderr.write(_("该来源文件已导入过，未重复导入（方案 %(id)s）") % {"id": result.plan.pk})
        return result.summary(), result.as_json()
