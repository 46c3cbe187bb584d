"""The office's journey in real headless Chromium: upload seed 001, correct a unit, publish, read the matrix and a unit.

Screenshots of every page go to test-artifacts/screenshots/office/ (git-ignored).
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from headless import SCREENSHOTS, browser_module, screenshot_dir

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "plans" / "001_419b3f3f91ecd403.txt"
SHOTS = SCREENSHOTS / "office"

pytestmark = browser_module

# Draws a character in the page's font and the "missing glyph" box of a private-use code point: with no CJK font
# both come out the same.
GLYPH_CHECK = """() => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (ch) => { const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.font = '32px ' + font; g.fillText(ch, 2, 34); return c.toDataURL(); };
  return draw('对') !== draw('\\uE000') && draw('对') !== draw('口');
}"""


@pytest.mark.django_db(transaction=True)
def test_office_journey(site, browser, make_user, settings):
    from duikou.core import permissions as perms
    from duikou.funds.models import Transaction
    from duikou.organizations.models import Organization
    from duikou.organizations.services import seed_divisions
    from duikou.plans.models import Plan
    from duikou.projects.models import Project

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if not Organization.objects.filter(division_code__isnull=False).exists():
        seed_divisions()
    office = make_user("office", perms.OFFICE_ADMIN)
    screenshot_dir(SHOTS)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    shot_number = iter(range(1, 100))

    def shot(name):
        page.screenshot(path=str(SHOTS / f"{next(shot_number):02d}-{name}.png"), full_page=True)

    response = page.goto(f"{site.url}/accounts/login/")
    assert response.status == 200, page.content()[:2000]
    page.fill("input[name=username]", office.username)
    page.fill("input[name=password]", office.raw_password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("h1").inner_text() == "工作总览"
    assert page.evaluate(GLYPH_CHECK), "Chinese glyphs are not rendered (is fonts-wqy-microhei installed?)"
    shot("dashboard-empty")

    # Upload the seed; the review shows the extraction beside the source.
    page.click("nav.site-nav >> text=导入方案")
    page.set_input_files("input[name=file]", str(SEED))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/import/\d+/$"))
    assert page.locator("#source mark").count() > 100
    page.click("#task-7 strong")
    assert page.locator("mark.active").count() >= 3  # the task's text, its units, its allocations
    shot("import-review")

    # Correct one unit in place (htmx swaps the item back).
    page.click("#task-0 summary:text('修改')")
    page.fill("#task-0 input[name=lead_units]", "市委办公厅、福州市人民政府办公厅")
    page.click("#task-0 button[type=submit]:not([name=delete])")
    # A selector wait, not wait_for_function: the page's CSP forbids evaluating strings.
    page.wait_for_selector("#task-0 .units:has-text('福州市人民政府办公厅')")
    assert page.locator("#units-panel tr[data-printed='福州市人民政府办公厅']").count() == 1

    # Resolve every name the resolver could not decide by picking its first candidate.
    ambiguous = page.locator("#units-panel tr:has(td.resolution.ambiguous)")
    assert ambiguous.count() >= 1
    while ambiguous.count():
        row = ambiguous.first
        row_id = row.get_attribute("id")
        row.locator("select[name=choice]").select_option(index=1)
        row.locator("button").click()
        page.wait_for_selector(f"#{row_id} td.resolution.chosen")
    # Names that are no organization (各预算主管部门, 前方工作组) must be mapped or dropped before publishing.
    placeholders = page.locator("#units-panel tr:has(td.resolution.placeholder)")
    assert placeholders.count() >= 1
    while placeholders.count():
        printed = placeholders.first.get_attribute("data-printed")
        placeholders.first.locator("button[name=drop]").click()
        page.wait_for_selector(f"#units-panel tr[data-printed='{printed}']", state="detached")
    shot("import-units-chosen")

    page.click("#publish-form button")
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan = Plan.objects.get()
    assert plan.status == Plan.PUBLISHED
    assert "方案已发布" in page.inner_text(".messages")
    first_task = plan.tasks.get(order=0)
    assert sorted(first_task.responsibilities.values_list("printed_name", flat=True)) == sorted(
        ["市委办公厅", "福州市人民政府办公厅", "市乡村振兴局"]
    )
    shot("plan-tasks")

    page.click("nav.tabs >> text=责任分工")
    page.wait_for_url(re.compile(r"/matrix/$"))
    assert page.locator("table.matrix td.mark.lead").count() > 50
    shot("plan-matrix")

    # Money moved by 马尾区 shows on its page.
    mawei = Organization.objects.get(full_name="福建省福州市马尾区")
    xiji = Organization.objects.get(full_name="宁夏回族自治区固原市西吉县")
    project = Project.objects.create(
        program=plan.program,
        plan=plan,
        name="西吉县冷链物流中心",
        recipient=xiji,
        implementer=mawei,
        budget=8_000_000,
        place="西吉县",
    )
    Transaction.objects.bulk_create(
        [Transaction(project=project, amount=3_000_000, date=dt.date(2023, 8, 1), payer=mawei, payee=xiji)]
    )
    page.click("table.matrix >> text=福建省福州市马尾区")
    page.wait_for_url(re.compile(r"/organizations/\d+/$"))
    name, _sep, light = page.locator("h1").inner_text().partition(" ")
    assert name == "福建省福州市马尾区" and light in (
        "红灯",
        "黄灯",
        "绿灯",
        "办结",
    )  # the unit's light (#14)
    targets = page.inner_text("#targets + table")
    assert "帮助宁夏销售农副产品" in targets and "9,000.00" in targets  # 马尾区's share, 9000万元
    assert "300.00" in page.inner_text("#funds ~ table")
    assert "西吉县冷链物流中心" in page.inner_text("#projects + table")
    shot("unit-page")

    for name, path in [
        ("targets", f"/targets/?plan={plan.pk}"),
        ("funds", f"/funds/plan/{plan.pk}/"),
        ("funds-list", "/funds/"),
        ("projects", "/projects/"),
        ("dispatches", "/dispatches/"),
        ("programs", "/programs/"),
        ("program", f"/programs/{plan.program_id}/"),
        ("organizations", "/organizations/?involved=yes"),
        ("tasks", "/plans/tasks/?status=overdue"),
        ("search", "/plans/search/?q=消费帮扶"),
        ("dashboard", "/"),
    ]:
        response = page.goto(site.url + path)
        assert response.status == 200, path
        assert page.evaluate(GLYPH_CHECK), path
        shot(name)
    # The dashboard leads with the lights (#14); the completion card still reads 0% before any report.
    assert page.locator(".card:has(.label:text-is('任务完成率')) .value").inner_text() == "0%"
    assert page.locator("#count-red").inner_text().isdigit()
    assert errors == []
    assert len(list(SHOTS.glob("*.png"))) >= 15
    assert os.path.getsize(SHOTS / "05-plan-matrix.png") > 20_000
