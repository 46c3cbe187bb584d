from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.assessments.documents import write_assessment
from duikou.assessments.forms import WEIGHT_FIELDS, weights_sum_error
from duikou.assessments.models import AssessmentRule
from duikou.assessments.services import compute_assessment
from duikou.core.commands import DuikouCommand, UserError
from duikou.core.periods import MAX_YEAR, MIN_YEAR

from .bulletin import docx_path, program_or_error, write_or_error


def parse_weights(text: str) -> list[Decimal]:
    """Four comma-separated weights 0–100 that sum to 100 (任务, 目标, 资金, 月报)."""
    parts = [p.strip() for p in text.replace("，", ",").split(",")]
    if len(parts) != 4:
        raise UserError(
            _("--weights %(text)s：应为四个数，用逗号分隔（任务,目标,资金,月报），如 40,30,20,10")
            % {"text": text}
        )
    try:
        values = [Decimal(p) for p in parts]
    except InvalidOperation:
        raise UserError(_("--weights %(text)s：应为数字") % {"text": text}) from None
    if any(not v.is_finite() or not 0 <= v <= 100 for v in values):
        raise UserError(_("--weights %(text)s：每项权重应在 0 到 100 之间") % {"text": text})
    error = weights_sum_error(values)
    if error:
        raise UserError(_("--weights %(text)s：%(error)s") % {"text": text, "error": error})
    return values


class Command(DuikouCommand):
    help = "计算年度绩效考核得分与排名 / compute the year-end assessment of a program (scores, ranks, .docx)"
    example = "duikou assess 1 --year 2024 --weights 40,30,20,10 -o 考核-2024.docx"

    def add_arguments(self, parser):
        parser.add_argument("program", type=int, help="对口关系编号 / program id")
        parser.add_argument("--year", type=int, required=True, help="考核年度 / year")
        parser.add_argument(
            "--weights", help="任务,目标,资金,月报 四项权重，和为 100（默认沿用已设规则或 40,30,20,10）"
        )
        parser.add_argument("-o", "--output", help="另写出考核结果 .docx / also write the result as .docx")

    def run(self, *args, program, year, weights=None, output=None, **options):
        obj = program_or_error(program)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise UserError(
                _("--year %(year)s：年份应在 %(min)s–%(max)s 之间")
                % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR}
            )
        values = parse_weights(weights) if weights else None
        path = docx_path(output) if output else None
        rule = AssessmentRule.objects.filter(program=obj, year=year).first() or AssessmentRule(
            program=obj, year=year
        )
        if values is not None:
            for name, value in zip(WEIGHT_FIELDS, values, strict=True):
                setattr(rule, name, value)
        try:
            with transaction.atomic():  # new weights are kept only when the scores computed
                rule.save()
                results = compute_assessment(rule=rule)
        except ValidationError as exc:
            raise UserError(" ".join(exc.messages)) from None
        for a in results:
            self.stderr.write(f"{a.rank:>4}  {a.score:>6}  {a.organization.full_name}")
        if path:
            write_or_error(path, write_assessment(rule=rule))
        top = f", first {results[0].organization.full_name} {results[0].score}" if results else ""
        where = f"; written to {output}" if output else ""
        payload = {
            "program": obj.pk,
            "year": year,
            "rule": rule.pk,
            "file": output,
            "weights": {name: float(getattr(rule, name)) for name in WEIGHT_FIELDS},
            "results": [
                {
                    "rank": a.rank,
                    "organization": a.organization.full_name,
                    "organization_id": a.organization_id,
                    "score": float(a.score),
                    "grade": rule.grade(a.score),
                    "breakdown": a.breakdown,
                }
                for a in results
            ],
        }
        return f"program {obj.pk} assessed for {year}: {len(results)} units{top}{where}", payload
