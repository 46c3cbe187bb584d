"""The assessment procedure as offices run it, per program and year:

1. self-assessment by each side (text, the indicator table filled from approved figures, evidence);
2. the paired side's opinion on it (each side on the other's);
3. cross-verification (交叉考核) by a group the office names: findings, verified values, an adjustment;
4. a grade 好/较好/一般/差 by the thresholds the office sets on the score (AssessmentRule).

Each step is a dated ProcedureStep (in the change log by construction) with its .docx in 公文 layout.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core.dates import today_for
from duikou.core.errors import InputError
from duikou.indicators.services import line_payload, progress
from duikou.programs.models import Program
from duikou.reports.evidence import EVIDENCE_TYPES, sniff_evidence
from duikou.targets.models import credit

from .models import AssessmentProcedure, AssessmentRule, ProcedureStep

Step = ProcedureStep
OTHER_SIDE = {Step.DONOR: Step.RECIPIENT, Step.RECIPIENT: Step.DONOR}


def indicator_table(program: Program, year: int) -> list[dict]:
    """The program's indicator lines for the year from approved figures (agreed, achieved, rate)."""

    return [line_payload(line) for line in progress(year=year, program_ids={program.pk}).lines]


def _side_organizations(program: Program, side: str):
    return program.donors.all() if side == Step.DONOR else program.recipients.all()


def may_take(user, procedure: AssessmentProcedure, kind: str, side: str = "") -> bool:
    """Who may take each step: a side's own units write its self-assessment and its opinion (the office may too);
    only the office names the group, records the cross-verification and grades.

    The one place this rule is said here; switch to the project's django-rules predicates once they are on main."""
    if perms.is_office(user):
        return True
    if kind in (Step.CROSS_VERIFICATION, Step.GRADING) or perms.role_of(user) not in perms.UNIT_ROLES:
        return False
    return any(perms.within(user, org) for org in _side_organizations(procedure.program, side))


def _require(user, procedure, kind, side=""):
    if not may_take(user, procedure, kind, side):
        raise PermissionDenied(_("无权办理该考核环节"))


def _locked(procedure: AssessmentProcedure) -> AssessmentProcedure:
    return AssessmentProcedure.objects.select_for_update().get(pk=procedure.pk)


def _stage_error(procedure: AssessmentProcedure, expected: str) -> InputError:
    return InputError(
        _("考核程序当前在“%(now)s”环节，不能办理“%(step)s”")
        % {"now": procedure.get_stage_display(), "step": dict(AssessmentProcedure.STAGES)[expected]}
    )


@transaction.atomic
def start_procedure(*, program: Program, year: int, user) -> AssessmentProcedure:
    """Open the year's procedure for a program (once per program and year)."""
    if not perms.is_office(user):
        raise PermissionDenied(_("只有对口办管理员可以启动年度考核"))
    procedure, _created = AssessmentProcedure.objects.get_or_create(program=program, year=year)
    AssessmentRule.objects.get_or_create(program=program, year=year)
    return procedure


def _store_evidence(step: ProcedureStep, upload) -> None:

    try:
        mime = sniff_evidence(upload)
    except ValidationError as exc:
        raise InputError(" ".join(exc.messages)) from None
    stored = f"{uuid.uuid4().hex}{EVIDENCE_TYPES[mime][0]}"  # the user's file name never becomes a path
    step.evidence.save(stored, File(upload, name=stored), save=False)
    step.evidence_name = PurePath(upload.name or "file").name[:255]


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError(_("%(what)s：请填写内容") % {"what": what})
    return text


@transaction.atomic
def submit_self_assessment(
    *, procedure: AssessmentProcedure, side: str, user, text: str, evidence=None, date: dt.date | None = None
) -> ProcedureStep:
    """A side's self-assessment; its indicator table is filled from approved figures now. Both in → opinions."""
    _require(user, procedure, Step.SELF_ASSESSMENT, side)
    procedure = _locked(procedure)
    if procedure.stage != AssessmentProcedure.SELF:
        raise _stage_error(procedure, AssessmentProcedure.SELF)
    if side not in OTHER_SIDE:
        raise InputError(_("一方应为支援方或受援方"))
    step = Step.objects.filter(procedure=procedure, kind=Step.SELF_ASSESSMENT, side=side).first() or Step(
        procedure=procedure, kind=Step.SELF_ASSESSMENT, side=side
    )
    step.text = _text(text, _("自评报告"))
    step.date = date or today_for(procedure.program)
    step.table = indicator_table(procedure.program, procedure.year)
    step.by = user if getattr(user, "pk", None) else None
    if evidence is not None:
        _store_evidence(step, evidence)
    step.save()
    if Step.objects.filter(procedure=procedure, kind=Step.SELF_ASSESSMENT).count() == 2:
        procedure.stage = AssessmentProcedure.OPINION
        procedure.save(update_fields=["stage", "updated_at"])
    return step


@transaction.atomic
def submit_opinion(
    *, procedure: AssessmentProcedure, side: str, user, text: str, date: dt.date | None = None
) -> ProcedureStep:
    """`side`'s opinion on the other side's self-assessment. Both in → cross-verification."""
    _require(user, procedure, Step.OPINION, side)
    procedure = _locked(procedure)
    if procedure.stage != AssessmentProcedure.OPINION:
        raise _stage_error(procedure, AssessmentProcedure.OPINION)
    if side not in OTHER_SIDE:
        raise InputError(_("一方应为支援方或受援方"))
    step, _created = Step.objects.update_or_create(
        procedure=procedure,
        kind=Step.OPINION,
        side=side,
        defaults={
            "text": _text(text, _("对方意见")),
            "date": date or today_for(procedure.program),
            "by": user if getattr(user, "pk", None) else None,
        },
    )
    if Step.objects.filter(procedure=procedure, kind=Step.OPINION).count() == 2:
        procedure.stage = AssessmentProcedure.CROSS
        procedure.save(update_fields=["stage", "updated_at"])
    return step


@transaction.atomic
def cross_verify(
    *,
    procedure: AssessmentProcedure,
    user,
    group: str,
    members: str = "",
    findings: str,
    verified: dict[str, Decimal] | None = None,
    adjustment: Decimal = Decimal(0),
    date: dt.date | None = None,
) -> ProcedureStep:
    """The named group's cross-verification: findings, verified achieved values per indicator, a score adjustment."""
    _require(user, procedure, Step.CROSS_VERIFICATION)
    procedure = _locked(procedure)
    if procedure.stage != AssessmentProcedure.CROSS:
        raise _stage_error(procedure, AssessmentProcedure.CROSS)
    group = _text(group, _("交叉考核组"))
    if not Decimal(-100) <= adjustment <= Decimal(100):
        raise InputError(_("调整分应在 -100 到 100 之间"))
    table = indicator_table(procedure.program, procedure.year)
    codes = {row["code"] for row in table}
    for code, value in (verified or {}).items():
        if code not in codes:
            raise InputError(_("未知指标：%(code)s") % {"code": code})
        if value < 0:
            raise InputError(_("%(code)s：核定完成数不能为负") % {"code": code})
    for row in table:
        if row["code"] in (verified or {}):
            row["reported"] = row["achieved"]
            row["achieved"] = float(verified[row["code"]])
            row["rate"] = round(row["achieved"] / row["agreed"] * 100, 1) if row["agreed"] else None
    step, _created = Step.objects.update_or_create(
        procedure=procedure,
        kind=Step.CROSS_VERIFICATION,
        side="",
        defaults={
            "text": members.strip(),
            "findings": _text(findings, _("考核发现")),
            "table": table,
            "adjustment": adjustment,
            "date": date or today_for(procedure.program),
            "by": user if getattr(user, "pk", None) else None,
        },
    )
    procedure.cross_group, procedure.cross_members, procedure.adjustment = group, members.strip(), adjustment
    procedure.save(update_fields=["cross_group", "cross_members", "adjustment", "updated_at"])
    return step


def indicator_score(table: list[dict]) -> Decimal | None:
    """The mean completion rate (each capped at 100) of the indicators with an agreed value; a parent whose parts
    are agreed is left out (its agreed value is theirs, so it would count them twice)."""

    summed = {row.get("parent") for row in table if row.get("agreed") and row.get("parent")}
    rates = [
        credit(">=", Decimal(str(row["agreed"])), Decimal(str(row["achieved"]))) * 100
        for row in table
        if row.get("agreed") and row["code"] not in summed
    ]
    if not rates:
        return None
    return (sum(rates, Decimal(0)) / len(rates)).quantize(Decimal("0.01"))


@transaction.atomic
def grade_procedure(*, procedure: AssessmentProcedure, user, date: dt.date | None = None) -> ProcedureStep:
    """The grade: the verified table's score plus the group's adjustment (within 0–100), by the rule's thresholds."""
    _require(user, procedure, Step.GRADING)
    procedure = _locked(procedure)
    cross = Step.objects.filter(procedure=procedure, kind=Step.CROSS_VERIFICATION).first()
    if procedure.stage != AssessmentProcedure.CROSS or cross is None:
        raise _stage_error(procedure, AssessmentProcedure.CROSS)
    base = indicator_score(cross.table)
    if base is None:
        raise InputError(
            _("该对口关系 %(year)s 年没有协议数，无法按指标计分：请先录入年度协议") % {"year": procedure.year}
        )
    rule, _created = AssessmentRule.objects.get_or_create(program=procedure.program, year=procedure.year)
    score = min(max(base + cross.adjustment, Decimal(0)), Decimal(100))
    day = date or today_for(procedure.program)
    procedure.base_score, procedure.score, procedure.grade = base, score, rule.grade(score)
    procedure.graded_on, procedure.stage = day, AssessmentProcedure.GRADED
    procedure.save(update_fields=["base_score", "score", "grade", "graded_on", "stage", "updated_at"])
    step, _created = Step.objects.update_or_create(
        procedure=procedure,
        kind=Step.GRADING,
        side="",
        defaults={
            "date": day,
            "table": cross.table,
            "by": user if getattr(user, "pk", None) else None,
            "text": _(
                "指标得分 %(base)s，交叉考核调整 %(adj)s，最终得分 %(score)s，评定等次：%(grade)s（好 ≥ %(good)s，较好 ≥ %(fg)s，一般 ≥ %(fair)s）"
            )
            % {
                "base": base,
                "adj": cross.adjustment,
                "score": score,
                "grade": procedure.grade,
                "good": rule.grade_good,
                "fg": rule.grade_fairly_good,
                "fair": rule.grade_fair,
            },
        },
    )
    return step


# ------------------------------------------------------------------ .docx in 公文 layout


def gongwen_document(
    *, title: str, issuer: str, date: dt.date, sections: list[tuple[str, list[str]]], table=None
) -> bytes:
    """A .docx laid out as 公文 (GB/T 9704): A4, margins 37/35/28/26 mm, title 方正小标宋简体 二号, body 仿宋_GB2312
    三号 at a fixed 28 pt line, headings 黑体, 落款 and date at the right.

    Kept here until the office's reusable 公文 builder is on main; then this calls it."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    for section in doc.sections:
        section.page_height, section.page_width = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)

    def font(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name, run.font.size, run.bold = name, Pt(size), bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def paragraph(text: str, *, name="仿宋_GB2312", size=16, align=None, indent=True):
        p = doc.add_paragraph()
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(28)
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        font(p.add_run(text), name, size)
        return p

    paragraph(title, name="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    paragraph("", indent=False)
    for heading, lines in sections:
        if heading:
            paragraph(heading, name="黑体")
        for line in lines:
            paragraph(line)
    if table:
        grid = doc.add_table(rows=1, cols=len(table[0]))
        grid.style = "Table Grid"
        for r, values in enumerate(table):
            cells = grid.rows[0].cells if r == 0 else grid.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = "" if value is None else str(value)
                for run in cell.paragraphs[0].runs:
                    font(run, "仿宋_GB2312", 12, bold=r == 0)
    paragraph("", indent=False)
    paragraph(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    paragraph(f"{date.year}年{date.month}月{date.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table_rows(table: list[dict]) -> list[list]:
    def number(value):
        return "" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")

    rows = [["指标", "单位", "协议数", "完成数", "完成率（%）"]]
    for row in table:
        name = ("    " if row.get("parent") else "") + row["name"]
        rows.append(
            [
                name,
                row["unit"],
                number(row.get("agreed")),
                number(row["achieved"]),
                "" if row.get("rate") is None else f"{row['rate']:.1f}",
            ]
        )
    return rows


def write_step_docx(step: ProcedureStep) -> bytes:
    """The step's document: 自评报告, 意见, 交叉考核意见 or 考核等次评定 of the program and year."""
    procedure, program = step.procedure, step.procedure.program
    side_orgs = "、".join(o.full_name for o in _side_organizations(program, step.side)) if step.side else ""
    year = procedure.year
    if step.kind == Step.SELF_ASSESSMENT:
        title = f"{side_orgs or program.name}{year}年度对口协作工作自评报告"
        sections = [
            ("一、工作情况", step.text.splitlines() or [""]),
            ("二、主要指标完成情况", ["见下表（完成数取自审核通过的月报数字）。"]),
        ]
        if step.evidence_name:
            sections.append(("三、佐证材料", [step.evidence_name]))
        issuer, table = side_orgs or program.name, _table_rows(step.table)
    elif step.kind == Step.OPINION:
        title = f"关于{program.name}{year}年度自评报告的意见"
        sections = [("", step.text.splitlines() or [""])]
        issuer, table = side_orgs or program.name, None
    elif step.kind == Step.CROSS_VERIFICATION:
        title = f"{program.name}{year}年度交叉考核意见"
        sections = [
            ("一、考核组", [procedure.cross_group, *step.text.splitlines()]),
            ("二、考核发现", step.findings.splitlines() or [""]),
            ("三、核定结果", [f"考核调整分：{step.adjustment}。核定后的主要指标见下表。"]),
        ]
        issuer, table = procedure.cross_group, _table_rows(step.table)
    else:
        title = f"关于{program.name}{year}年度考核等次的通知"
        sections = [
            (
                "",
                [
                    f"经自评、对方意见和交叉考核，{program.name}{year}年度考核等次为“{procedure.grade}”。",
                    step.text,
                ],
            ),
            ("", ["考核结果送组织人事部门；等次为“一般”“差”的，由对口办约谈。"]),
        ]
        issuer, table = _("对口支援协作工作办公室"), _table_rows(step.table)
    return gongwen_document(title=title, issuer=issuer, date=step.date, sections=sections, table=table)
