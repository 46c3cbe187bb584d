from pathlib import Path

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError
from duikou.core.dates import today_for
from duikou.core.periods import MAX_YEAR, MIN_YEAR
from duikou.indicators.exports import write_xlsx
from duikou.indicators.services import LEVELS, NATIONAL, line_payload, progress
from duikou.programs.models import Program


class Command(DuikouCommand):
    help = (
        "东西部协作主要指标：协议数与完成数（全国、省、市、结对）/ national indicators: agreed and achieved"
    )
    example = "duikou indicators --year 2023 --level province -o 指标-2023.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="统计年度（默认今年）/ year")
        parser.add_argument("--program", type=int, help="只统计一个对口关系 / one program id")
        parser.add_argument("--level", choices=LEVELS, default=NATIONAL, help="汇总层级 / level")
        parser.add_argument("-o", "--output", help="写出 .xlsx 统计表 / write the .xlsx form")

    def run(self, *args, year=None, program=None, level=NATIONAL, output=None, as_json=False, **options):
        year = year or today_for().year
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise UserError(
                _("--year %(year)s：年份应在 %(min)s–%(max)s 之间")
                % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR}
            )
        path = Path(output) if output else None
        if path is not None and path.suffix.lower() != ".xlsx":
            raise UserError(_("%(file)s：文件名应以 .xlsx 结尾") % {"file": output})
        scope = _("全国")
        program_ids = None
        if program is not None:
            obj = Program.objects.filter(pk=program).first()
            if obj is None:
                raise UserError(_("对口关系 %(id)s 不存在") % {"id": program})
            program_ids, scope = {obj.pk}, obj.name
        result = progress(year=year, level=level, program_ids=program_ids)
        if path is not None:
            try:
                path.write_bytes(write_xlsx(result, scope=scope))
            except OSError as exc:
                raise UserError(
                    _("%(file)s：无法写入（%(reason)s）") % {"file": output, "reason": exc.strerror}
                ) from None
        payload = {
            "year": year,
            "level": level,
            "program": program,
            "indicators": [line_payload(line) for line in result.lines],
        }
        if result.groups:
            payload["groups"] = [
                {"id": g.id, "name": g.name, "indicators": [line_payload(line) for line in g.lines]}
                for g in result.groups
            ]
        if not as_json:
            for line in result.lines:
                agreed = "-" if line.agreed is None else f"{line.agreed:,.2f}"
                indent = "  " if line.indicator.parent_id else ""
                self.stderr.write(
                    f"{indent}{line.indicator.name}（{line.indicator.unit}）  {agreed}  {line.achieved:,.2f}"
                    + (f"  {line.rate}%" if line.rate is not None else "")
                )
        where = f"; written to {output}" if output else ""
        return (
            f"indicators {year} ({level}): {len(result.lines)} indicators, {len(result.groups)} places{where}",
            payload,
        )
