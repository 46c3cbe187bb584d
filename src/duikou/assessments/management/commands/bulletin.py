from pathlib import Path

from django.utils.translation import gettext as _

from duikou.assessments.documents import write_bulletin
from duikou.core.commands import DuikouCommand, UserError
from duikou.core.periods import Period
from duikou.programs.models import Program


def program_or_error(pk: int) -> Program:
    program = Program.objects.filter(pk=pk).first()
    if program is None:
        raise UserError(_("对口关系 %(id)s 不存在") % {"id": pk})
    return program


def docx_path(name: str) -> Path:
    """The output path, refused before any work when it is not a .docx name."""
    path = Path(name)
    if path.suffix.lower() != ".docx":
        raise UserError(_("%(file)s：文件名应以 .docx 结尾") % {"file": name})
    return path


def write_or_error(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UserError(
            _("%(file)s：无法写入（%(reason)s）") % {"file": path, "reason": exc.strerror}
        ) from None


class Command(DuikouCommand):
    help = "生成一期工作通报（Word）/ write the bulletin (通报) of a program for a period as .docx"
    example = "duikou bulletin 1 --period 2024-Q3 -o 通报-2024Q3.docx"

    def add_arguments(self, parser):
        parser.add_argument("program", type=int, help="对口关系编号 / program id")
        parser.add_argument("--period", required=True, help="报告期：2024-07、2024-Q3 或 2024 / period")
        parser.add_argument("-o", "--output", help="输出文件（默认 bulletin-编号-报告期.docx）/ output file")

    def run(self, *args, program, period, output=None, **options):
        obj = program_or_error(program)
        try:
            parsed = Period.parse(period)
        except ValueError as exc:
            raise UserError(_("--period：%(error)s") % {"error": exc}) from None
        path = docx_path(output or f"bulletin-{obj.pk}-{parsed}.docx")
        write_or_error(path, write_bulletin(program=obj, period=parsed))
        return (
            f"bulletin of program {obj.pk} for {parsed} written to {path}",
            {"program": obj.pk, "period": str(parsed), "file": str(path)},
        )
