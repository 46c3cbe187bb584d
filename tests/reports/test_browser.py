"""A district reporter's month in real headless Chromium: sign in, see only its own tasks, file a report with an
evidence file; the office returns it; the reporter corrects and resubmits; the office approves; the approved
figure appears. Screenshots go to test-artifacts/screenshots/reporting/."""

import pytest
from headless import SCREENSHOTS, browser_module, screenshot_dir

from reports.files import PNG

SHOTS = SCREENSHOTS / "reporting"

pytestmark = browser_module


@pytest.mark.django_db(transaction=True)
def test_reporter_files_office_returns_then_approves(site, browser, org, make_user, tmp_path):
    from permissions.world import build_world

    from duikou.organizations.models import Organization
    from duikou.organizations.services import seed_divisions
    from duikou.reports.models import Evidence, Report

    if not Organization.objects.filter(division_code__isnull=False).exists():
        seed_divisions()
    w = build_world(org, make_user)
    reporter, office = w.users["reporter_a"], w.users["office_admin"]
    # This reporter's unit has no head account in the browser journey: it reports straight to the office.
    reporter.role = "unit_head"
    reporter.save()
    screenshot_dir(SHOTS)
    numbers = iter(range(1, 100))
    errors = []

    def new_page():
        page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
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

    def figure_shown(page) -> str:
        page.goto(f"{site.url}/reports/figures/")
        return page.locator(f"tr[data-allocation='{w.alloc_a.pk}'] td.achieved").inner_text().strip()

    unit = new_page()
    sign_in(unit, reporter)
    assert "/accounts/login/" not in unit.url
    before = figure_shown(unit)
    assert before == "—"
    report_url = f"{site.url}/reports/{w.report_a.pk}/"
    unit.goto(report_url)
    tasks = unit.locator("#tasks").inner_text()
    assert "马尾区产业园建设" in tasks and "消费帮扶" in tasks
    assert "鼓楼区劳务协作" not in tasks  # another district's task is not shown
    shot(unit, "reporter-report-form")
    # Another unit's report is not even found.
    assert unit.goto(f"{site.url}/reports/{w.report_b.pk}/").status == 404
    unit.goto(report_url)
    unit.fill("textarea[name=summary]", "产业园一期完工，两家企业落地。")
    unit.fill(f"input[name=task-{w.task_a.pk}-percent]", "40")
    unit.fill(f"input[name=alloc-{w.alloc_a.pk}-value]", "30")
    unit.click("#save-report")
    unit.wait_for_load_state()
    assert "月报已保存" in unit.content()
    evidence = tmp_path / "现场照片.png"
    evidence.write_bytes(PNG)
    unit.set_input_files("input[name=file]", str(evidence))
    unit.click("#upload-evidence")
    unit.wait_for_load_state()
    assert "现场照片.png" in unit.locator("#evidence").inner_text()
    unit.click("#submit-report")
    unit.wait_for_load_state()
    assert unit.locator("#report-status").inner_text() == "已报送"
    shot(unit, "reporter-submitted")

    desk = new_page()
    sign_in(desk, office)
    desk.goto(f"{site.url}/reports/")
    assert "待审核" in desk.content()
    desk.goto(report_url)
    desk.fill("textarea[name=reason]", "请补充企业投资协议")
    desk.click("#return-report")
    desk.wait_for_load_state()
    assert desk.locator("#report-status").inner_text() == "已退回"
    shot(desk, "office-returned")

    unit.goto(f"{site.url}/reports/inbox/")
    assert "请补充企业投资协议" in unit.locator("#reminders").inner_text()
    unit.goto(report_url)
    assert "请补充企业投资协议" in unit.locator("#return-reason").inner_text()
    unit.fill(f"input[name=alloc-{w.alloc_a.pk}-value]", "45")
    unit.click("#save-report")
    unit.wait_for_load_state()
    unit.click("#submit-report")
    unit.wait_for_load_state()
    assert unit.locator("#report-status").inner_text() == "已报送"
    shot(unit, "reporter-resubmitted")

    desk.goto(report_url)
    desk.click("#approve-report")
    desk.wait_for_load_state()
    assert desk.locator("#report-status").inner_text() == "已审核通过"
    history = desk.locator("#history").inner_text()
    assert history.count("已报送") >= 2 and "请补充企业投资协议" in history
    shot(desk, "office-approved")

    after = figure_shown(unit)
    assert after == "45.00万元" and after != before  # typed in 万元, stored in yuan, shown in 万元
    shot(unit, "approved-figure")
    desk.goto(f"{site.url}/")
    shot(desk, "dashboard-after-approval")

    report = Report.objects.get(pk=w.report_a.pk)
    assert report.status == Report.APPROVED
    assert Evidence.objects.get(report=report).original_name == "现场照片.png"
    assert not errors, errors
    assert len(list(SHOTS.glob("*.png"))) == 7
