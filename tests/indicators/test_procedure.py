"""The assessment procedure: self-assessment by each side → the paired side's opinion → cross-verification by a
named group → a grade by the office's thresholds; each step dated, in the change log, with a 公文 .docx."""

import datetime as dt
import hashlib
import io
import json
import re
from contextlib import redirect_stdout
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from headless import SCREENSHOTS, screenshot_dir

from duikou.assessments import procedure as svc
from duikou.assessments.models import AssessmentProcedure, AssessmentRule, ProcedureStep
from duikou.core import permissions as perms
from duikou.core.errors import InputError
from duikou.core.models import ChangeLog
from duikou.indicators.services import save_agreement
from duikou.organizations.models import Organization
from duikou.plans.models import Plan
from duikou.programs.models import Pairing, Program
from duikou.reports.models import Report, TargetFigure
from duikou.targets.models import Target

YEAR = 2023
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_world():
    donor = Organization.objects.get(full_name="福建省")
    recipient = Organization.objects.get(full_name="宁夏回族自治区")
    program = Program.objects.create(name="闽宁协作", kind=Program.EAST_WEST, start_year=2021, end_year=2025)
    program.donors.add(donor)
    program.recipients.add(recipient)
    pairing = Pairing.objects.create(
        program=program, donor=donor, recipient=recipient, level=Pairing.PROVINCE
    )
    plan = Plan.objects.create(
        program=program,
        title="闽宁方案",
        source_sha256=hashlib.sha256(b"x").hexdigest(),
        source_content=b"x",
        start_year=YEAR,
        end_year=YEAR,
    )
    labour = Target.objects.create(
        plan=plan, indicator="帮助宁夏农村劳动力就业", value=3000, unit="person", year=YEAR
    )
    sales = Target.objects.create(
        plan=plan, indicator="帮助宁夏销售农副产品", value=10**9, unit="yuan", year=YEAR
    )
    report = Report.objects.create(
        program=program, organization=donor, period="2023-12", status=Report.APPROVED
    )
    TargetFigure.objects.create(report=report, target=labour, value=2400)  # 80 % of 3000
    TargetFigure.objects.create(report=report, target=sales, value=10**9)  # 100 % of 100000 万元
    save_agreement(
        pairing=pairing, year=YEAR, values={"labour": Decimal(3000), "consumption.sales": Decimal(100000)}
    )
    return program, donor, recipient


@pytest.fixture
def world(db):
    return make_world()


def test_the_four_steps_in_order_with_rights_dates_change_log_and_documents(world, make_user):
    from docx import Document

    program, donor, recipient = world
    office = make_user("office", perms.OFFICE_ADMIN)
    donor_unit = make_user("fj", perms.UNIT_REPORTER, donor)
    with pytest.raises(PermissionDenied):
        svc.start_procedure(program=program, year=YEAR, user=donor_unit)
    procedure = svc.start_procedure(program=program, year=YEAR, user=office)
    # A side writes its own self-assessment only; nothing can be skipped.
    with pytest.raises(PermissionDenied):
        svc.submit_self_assessment(procedure=procedure, side="recipient", user=donor_unit, text="越权")
    with pytest.raises(InputError, match="当前在“自评”环节"):
        svc.submit_opinion(procedure=procedure, side="donor", user=office, text="太早")
    with pytest.raises(InputError, match="请填写内容"):
        svc.submit_self_assessment(procedure=procedure, side="donor", user=donor_unit, text="  ")
    with pytest.raises(InputError, match="不是允许的类型"):
        svc.submit_self_assessment(
            procedure=procedure,
            side="donor",
            user=donor_unit,
            text="自评",
            evidence=SimpleUploadedFile("a.pdf", b"MZ not a pdf"),
        )
    step = svc.submit_self_assessment(
        procedure=procedure,
        side="donor",
        user=donor_unit,
        text="全年完成协议任务。",
        evidence=SimpleUploadedFile("佐证.pdf", PDF),
        date=dt.date(2024, 1, 10),
    )
    table = {row["code"]: row for row in step.table}
    assert (
        table["labour"]["achieved"] == 2400
        and table["labour"]["agreed"] == 3000
        and table["labour"]["rate"] == 80.0
    )
    assert step.evidence_name == "佐证.pdf" and step.evidence.read() == PDF
    procedure.refresh_from_db()
    assert procedure.stage == AssessmentProcedure.SELF
    svc.submit_self_assessment(
        procedure=procedure, side="recipient", user=office, text="受援方自评。", date=dt.date(2024, 1, 11)
    )
    procedure.refresh_from_db()
    assert procedure.stage == AssessmentProcedure.OPINION
    svc.submit_opinion(
        procedure=procedure, side="recipient", user=office, text="同意支援方自评。", date=dt.date(2024, 1, 15)
    )
    svc.submit_opinion(
        procedure=procedure, side="donor", user=donor_unit, text="同意受援方自评。", date=dt.date(2024, 1, 16)
    )
    procedure.refresh_from_db()
    assert procedure.stage == AssessmentProcedure.CROSS
    with pytest.raises(PermissionDenied):
        svc.cross_verify(procedure=procedure, user=donor_unit, group="组", findings="无")
    with pytest.raises(InputError, match="核定完成数不能为负"):
        svc.cross_verify(
            procedure=procedure,
            user=office,
            group="第三考核组",
            findings="x",
            verified={"labour": Decimal(-1)},
        )
    # The group verifies 2,100 employed (not 2,400) and deducts 2 points.
    svc.cross_verify(
        procedure=procedure,
        user=office,
        group="第三交叉考核组（浙江—四川）",
        members="张三、李四",
        findings="劳务协作就业人数有 300 人重复统计。",
        verified={"labour": Decimal(2100)},
        adjustment=Decimal(-2),
        date=dt.date(2024, 2, 1),
    )
    rule = AssessmentRule.objects.get(program=program, year=YEAR)
    rule.grade_good, rule.grade_fairly_good, rule.grade_fair = Decimal(95), Decimal(85), Decimal(60)
    rule.save()
    grading = svc.grade_procedure(procedure=procedure, user=office, date=dt.date(2024, 2, 20))
    procedure.refresh_from_db()
    # (2100/3000 = 70 %, 100 %) → 85.00; − 2 → 83.00: below 85 (较好), at least 60 → 一般.
    assert (procedure.base_score, procedure.score, procedure.grade) == (
        Decimal("85.00"),
        Decimal("83.00"),
        "一般",
    )
    assert procedure.stage == AssessmentProcedure.GRADED and procedure.graded_on == dt.date(2024, 2, 20)
    assert "一般" in grading.text

    steps = list(procedure.steps.order_by("date"))
    assert [(s.kind, s.side) for s in steps] == [
        ("self", "donor"),
        ("self", "recipient"),
        ("opinion", "recipient"),
        ("opinion", "donor"),
        ("cross", ""),
        ("grade", ""),
    ]
    logged = set(
        ChangeLog.objects.filter(content_type__model="procedurestep").values_list("object_id", flat=True)
    )
    assert {str(s.pk) for s in steps} <= logged
    assert ChangeLog.objects.filter(content_type__model="assessmentprocedure", after__grade="一般").exists()

    for s in steps:
        doc = Document(io.BytesIO(svc.write_step_docx(s)))
        texts = [p.text for p in doc.paragraphs]
        section = doc.sections[0]
        assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
        title = doc.paragraphs[0].runs[0]
        assert title.font.size.pt == 22 and title.font.name == "方正小标宋简体"
        assert f"{s.date.year}年{s.date.month}月{s.date.day}日" in texts
        body = "\n".join(texts)
        if s.kind == "self":
            assert "自评报告" in texts[0] and doc.tables and doc.tables[0].rows[0].cells[2].text == "协议数"
        if s.kind == "cross":
            assert "300 人重复统计" in body and "第三交叉考核组（浙江—四川）" in body
            labour_row = next(r for r in doc.tables[0].rows if "劳务协作" in r.cells[0].text)
            assert labour_row.cells[3].text == "2,100"
        if s.kind == "grade":
            assert "考核等次为“一般”" in body and "约谈" in body


def test_grade_thresholds_and_assess_json_grades_every_result(world, make_user):
    from duikou.cli import main

    program, *_ = world
    rule = AssessmentRule.objects.create(
        program=program, year=YEAR, grade_good=90, grade_fairly_good=80, grade_fair=60
    )
    assert [rule.grade(Decimal(v)) for v in (95, 90, 89.99, 80, 79, 60, 59.99, 0)] == [
        "好",
        "好",
        "较好",
        "较好",
        "一般",
        "一般",
        "差",
        "差",
    ]
    Plan.objects.filter(program=program).update(status=Plan.PUBLISHED)
    from duikou.plans.models import Responsibility, Task

    task = Task.objects.create(plan=Plan.objects.get(program=program), number="1", title="劳务协作", order=0)
    Responsibility.objects.create(task=task, organization=world[1], printed_name="福建省", role="lead")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["assess", str(program.pk), "--year", str(YEAR), "--json"]) == 0
    results = json.loads(out.getvalue())["results"]
    assert results and all(r["grade"] == rule.grade(Decimal(str(r["score"]))) for r in results)


def test_thresholds_out_of_order_are_refused_by_the_form(world):
    from duikou.assessments.forms import AssessmentRuleForm

    program, *_ = world
    data = {
        "weight_tasks_on_time": 40,
        "weight_targets_reached": 30,
        "weight_funds_spent": 20,
        "weight_reports_on_time": 10,
        "grade_good": 70,
        "grade_fairly_good": 80,
        "grade_fair": 60,
    }
    form = AssessmentRuleForm(data, instance=AssessmentRule(program=program, year=YEAR))
    assert not form.is_valid() and "0 ≤ 一般 ≤ 较好 ≤ 好 ≤ 100" in str(form.errors)


# ------------------------------------------------------------------ in a browser

SHOTS = SCREENSHOTS / "procedure"


@pytest.mark.usefixtures("divisions_back_after_flush")
@pytest.mark.django_db(transaction=True)
def test_the_four_steps_in_a_browser(site, browser, make_user, tmp_path):
    from duikou.indicators.services import load_catalogue

    load_catalogue()
    program, donor, _recipient = make_world()
    office = make_user("office", perms.OFFICE_ADMIN)
    screenshot_dir(SHOTS)
    evidence = tmp_path / "佐证材料.pdf"
    evidence.write_bytes(PDF)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 1000}).new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{site.url}/accounts/login/")
    page.fill("input[name=username]", office.username)
    page.fill("input[name=password]", office.raw_password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{site.url}/assessments/programs/{program.pk}/{YEAR}/procedure/")
    page.click("#start button")
    page.fill("#self-donor textarea[name=text]", "支援方：全年完成协议任务。")
    page.set_input_files("#self-donor input[name=evidence]", str(evidence))
    page.click("#self-donor button")
    page.wait_for_selector("#steps tr[data-kind=self][data-side=donor]")
    page.fill("#self-recipient textarea[name=text]", "受援方：配合落实。")
    page.click("#self-recipient button")
    page.wait_for_selector("#opinion-donor")
    page.screenshot(path=str(SHOTS / "1-self.png"), full_page=True)
    page.fill("#opinion-donor textarea[name=text]", "同意受援方自评。")
    page.click("#opinion-donor button")
    page.fill("#opinion-recipient textarea[name=text]", "同意支援方自评。")
    page.click("#opinion-recipient button")
    page.wait_for_selector("#cross")
    page.fill("#cross input[name=group]", "第三交叉考核组")
    page.fill("#cross textarea[name=findings]", "抽查台账，数据属实。")
    page.fill("#cross input[name='verified-labour']", "2100")
    page.fill("#cross input[name=adjustment]", "1")
    page.screenshot(path=str(SHOTS / "2-cross.png"), full_page=True)
    page.click("#cross button")
    page.wait_for_selector("#grade-form")
    page.click("#grade-form button")
    page.wait_for_selector("#grade")
    page.screenshot(path=str(SHOTS / "3-graded.png"), full_page=True)
    # (70 % + 100 %) / 2 = 85, + 1 = 86: at least 80 and below 90 → 较好 by the default thresholds.
    assert page.inner_text("#grade") == "较好"
    assert page.locator("#steps tbody tr").count() == 6
    with page.expect_download() as download:
        page.click("#steps tr[data-kind=grade] a")
    assert download.value.suggested_filename.endswith(".docx")
    assert not errors, errors
    procedure = AssessmentProcedure.objects.get(program=program, year=YEAR)
    assert (procedure.score, procedure.grade, procedure.cross_group) == (
        Decimal("86.00"),
        "较好",
        "第三交叉考核组",
    )
    assert (
        ProcedureStep.objects.get(procedure=procedure, kind="self", side="donor").evidence_name
        == "佐证材料.pdf"
    )
