"""The supervision loops in real headless Chromium (Debian's), at desktop and phone width:
the office urges → the unit reads and answers; a red task → 督办单 issued → the unit answers → closed; a unit asks
for a later deadline → the office approves → the task moves; a leader's 批示 → the unit answers; an approval moves
the dashboard; a locked period refuses a change. Screenshots go to test-artifacts/screenshots/supervision/."""

import pytest
from headless import PHONE, SCREENSHOTS, browser_module, screenshot_dir
from reports.files import PNG

SHOTS = SCREENSHOTS / "supervision"

pytestmark = browser_module


@pytest.mark.django_db(transaction=True)
def test_supervision_loops(site, browser, org, make_user, tmp_path):
    from permissions.world import build_world

    from duikou.organizations.models import Organization
    from duikou.organizations.services import seed_divisions
    from duikou.plans.models import Task
    from duikou.reports.models import Report
    from duikou.supervision.models import ChangeRequest, Instruction, SupervisionNotice, Urge

    if not Organization.objects.filter(division_code__isnull=False).exists():
        seed_divisions()
    w = build_world(org, make_user)
    unit_user, office_user, leader_user = w.users["reporter_a"], w.users["office_admin"], w.users["leader"]
    unit_user.role = "unit_head"  # 马尾区 reports straight to the office in this journey
    unit_user.save()
    screenshot_dir(SHOTS)
    numbers = iter(range(1, 100))
    errors: list[str] = []

    def new_page(viewport=None):
        context = browser.new_context(locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900})
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    def shot(page, name):
        page.screenshot(path=str(SHOTS / f"{next(numbers):02d}-{name}.png"), full_page=True)

    def sign_in(page, user):
        page.goto(f"{site.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", user.raw_password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, page.content()[:500]

    def go(page, path):
        response = page.goto(f"{site.url}{path}")
        assert response.status < 400, (path, response.status)

    office, unit, leader = new_page(), new_page(PHONE), new_page()
    sign_in(office, office_user)
    sign_in(unit, unit_user)
    sign_in(leader, leader_user)

    # 1. The office urges 马尾区 in one click; the unit sees it at once, opens it (已读) and answers.
    go(office, f"/supervision/tasks/{w.task_a.pk}/")
    office.select_option("#urge-form select[name=organization]", str(w.mawei.pk))
    office.fill("#urge-form input[name=message]", "请本周报送用地进展")
    office.click("#urge")
    office.wait_for_load_state()
    assert "已催办 1 个单位" in office.content()
    urge = Urge.objects.get()
    go(unit, "/supervision/urges/")
    assert "未读" in unit.inner_text("#urge-list")
    shot(unit, "unit-urges-phone")
    unit.click(f"a[href='/supervision/urges/{urge.pk}/']")
    unit.wait_for_load_state()
    urge.refresh_from_db()
    assert urge.read_at is not None
    unit.fill("textarea[name=answer]", "用地批复已取得，下周开工")
    unit.click("#answer-urge")
    unit.wait_for_load_state()
    assert "用地批复已取得" in unit.inner_text("#urge-answer")
    go(office, f"/supervision/tasks/{w.task_a.pk}/")
    assert "用地批复已取得" in office.inner_text("#urges")
    shot(office, "office-task-after-urge")

    # 2. The task is red (past 2025-06-30): the office's check raises a 黄牌, issues the 督办单, the unit answers
    #    with evidence, the office closes it.
    assert "红灯" in office.inner_text("h1 + p") or "红灯" in office.content()
    go(office, "/supervision/notices/")
    office.click("#check-notices")
    office.wait_for_load_state()
    notice = SupervisionNotice.objects.get(task=w.task_a, organization=w.mawei)
    go(office, f"/supervision/notices/{notice.pk}/")
    office.click("#issue-notice")
    office.wait_for_load_state()
    assert "已签发" in office.inner_text("#notice-status")
    with office.expect_download() as download:
        office.click("#download-docx")
    docx = tmp_path / "notice.docx"
    download.value.save_as(docx)
    from docx import Document

    assert notice.number in "\n".join(p.text for p in Document(str(docx)).paragraphs)
    shot(office, "office-notice-issued")
    go(unit, f"/supervision/notices/{notice.pk}/")
    unit.fill("textarea[name=answer]", "已召开专题会，附会议纪要")
    evidence = tmp_path / "会议纪要.png"
    evidence.write_bytes(PNG)
    unit.set_input_files("#notice-answer-form input[name=evidence]", str(evidence))
    unit.click("#answer-notice")
    unit.wait_for_load_state()
    assert "已反馈" in unit.inner_text("#notice-status")
    shot(unit, "unit-notice-answered-phone")
    go(office, f"/supervision/notices/{notice.pk}/")
    office.fill("#close-form input[name=note]", "整改到位")
    office.click("#close-notice")
    office.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.status == "closed" and notice.evidence_name == "会议纪要.png"

    # 3. The unit asks for a later deadline; the office approves; the task's date and light move (the units'
    #    reports for the last ended month are in, so only the date kept it red).
    from duikou.core.dates import today_for
    from duikou.supervision.lights import last_period_due

    last = last_period_due(today_for(), "month")
    for reporter in (w.mawei, w.gulou):
        Report.objects.create(program=w.program, organization=reporter, period=last, status=Report.APPROVED)
    go(unit, f"/supervision/tasks/{w.task_a.pk}/")
    assert unit.get_attribute("[data-light]", "data-light") == "red"
    go(unit, f"/supervision/tasks/{w.task_a.pk}/")
    unit.click("#request-change")
    unit.wait_for_load_state()
    unit.select_option("select[name=kind]", "deadline")
    unit.fill("input[name=due_date]", "2099-06-30")
    unit.fill("textarea[name=reason]", "用地审批延后，申请延期")
    unit.click("#submit-request")
    unit.wait_for_load_state()
    request = ChangeRequest.objects.get()
    go(office, "/supervision/requests/")
    office.click(f"a[href='/supervision/requests/{request.pk}/']")
    office.wait_for_load_state()
    office.click("#approve-request")
    office.wait_for_load_state()
    assert "已批准" in office.inner_text("#request-status")
    go(unit, f"/supervision/tasks/{w.task_a.pk}/")
    assert unit.inner_text("#task-due") == "2099-06-30"
    assert unit.get_attribute("[data-light]", "data-light") == "green"
    shot(unit, "unit-task-after-deadline-phone")

    # 4. A leader's 批示 reaches both units of the shared task; 马尾区 answers from its phone.
    go(leader, f"/supervision/tasks/{w.task_shared.pk}/")
    leader.click("#instruct")
    leader.wait_for_load_state()
    leader.fill("textarea[name=text]", "消费帮扶要见实效，月底前报送成效")
    leader.click("#submit-instruction")
    leader.wait_for_load_state()
    instruction = Instruction.objects.get()
    go(unit, "/supervision/instructions/")
    unit.click(f"a[href='/supervision/instructions/{instruction.pk}/']")
    unit.wait_for_load_state()
    unit.fill("textarea[name=answer]", "已组织两场产销对接会")
    unit.click("#answer-instruction")
    unit.wait_for_load_state()
    go(leader, f"/supervision/instructions/{instruction.pk}/")
    assert "已组织两场产销对接会" in leader.inner_text("#instruction-targets")
    shot(leader, "leader-instruction")

    # 5. An approval moves the dashboard: 马尾区's report meets its share of the target.
    go(office, "/")
    before = office.inner_text("#shares-reached")
    go(unit, f"/reports/{w.report_a.pk}/")
    unit.fill(f"input[name=alloc-{w.alloc_a.pk}-value]", "100")
    unit.click("#save-report")
    unit.wait_for_load_state()
    unit.click("#submit-report")
    unit.wait_for_load_state()
    go(office, f"/reports/{w.report_a.pk}/")
    office.click("#approve-report")
    office.wait_for_load_state()
    go(office, "/")
    after = office.inner_text("#shares-reached")
    assert before != after and "1 /" in after
    shot(office, "dashboard-after-approval")

    # 6. The office closes June; 鼓楼区's submitted June report can no longer be approved, nor 马尾区's changed.
    go(office, "/supervision/periods/")
    office.select_option("#close-form select[name=program]", str(w.program.pk))
    office.fill("#close-form input[name=period]", "2025-06")
    office.fill("#close-form input[name=closes_on]", "2025-07-10")
    office.click("#close-period")
    office.wait_for_load_state()
    go(office, f"/reports/{w.report_b.pk}/")
    assert office.locator("#period-locked").count() == 1 and office.locator("#approve-report").count() == 0
    response = office.request.post(
        f"{site.url}/reports/{w.report_b.pk}/approve/",
        headers={"X-CSRFToken": office.context.cookies()[0]["value"] if office.context.cookies() else ""},
    )
    assert Report.objects.get(pk=w.report_b.pk).status == Report.SUBMITTED, response.status
    go(unit, f"/reports/{w.report_a.pk}/")
    assert unit.locator("#period-locked").count() == 1 and unit.locator("#save-report").count() == 0
    shot(unit, "unit-locked-report-phone")

    # Phone width: the content of the supervision pages is no wider than the screen (tables scroll inside their
    # box). The site header's own phone layout belongs to the office-outputs issue (#15), so the content is measured.
    for path in (
        "/",
        "/supervision/urges/",
        f"/supervision/tasks/{w.task_shared.pk}/",
        "/supervision/notices/",
        "/supervision/instructions/",
        "/supervision/requests/",
        f"/supervision/notices/{notice.pk}/",
    ):
        go(unit, path)
        width = unit.evaluate(
            "Math.max(0, ...[...document.querySelectorAll('main *')].filter(e => !e.closest('.table-wrap'))"
            ".map(e => Math.ceil(e.getBoundingClientRect().right)))"
        )
        assert width <= PHONE["width"], (path, width)
    assert Task.objects.get(pk=w.task_a.pk).due_date.year == 2099
    assert errors == []
