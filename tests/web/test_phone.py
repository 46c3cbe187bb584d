"""Phone first: every page a reporter, a unit head and a leader use fits a 390 × 844 phone with no sideways
scrolling and a header of at most a sixth of the screen (the menu folds behind one button), and still lays out at
1366 × 768. Real Debian Chromium through Playwright; screenshots go to test-artifacts/screenshots/phone/."""

import datetime as dt

import pytest
from headless import PHONE, SCREENSHOTS, browser_module, screenshot_dir

from duikou.core import permissions as perms

SHOTS = SCREENSHOTS / "phone"
DESKTOP = {"width": 1366, "height": 768}

pytestmark = browser_module

MEASURE = """() => ({
  scroll: document.documentElement.scrollWidth,
  width: window.innerWidth,
  header: document.querySelector('.site-header').getBoundingClientRect().height,
  navShown: getComputedStyle(document.querySelector('.site-nav') || document.body).display !== 'none',
})"""


def _session_cookie(user, site_url: str) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_url}


@pytest.mark.django_db(transaction=True)
def test_every_role_page_fits_a_phone_and_a_desktop(site, browser, world, make_user, org):
    from duikou.reports.models import Report

    mawei = world["mawei"]
    program = world["plan"].program
    draft = Report.objects.create(program=program, organization=mawei, period="2023-09")
    approved = Report.objects.filter(organization=mawei, status=Report.APPROVED).first()
    head = make_user("head", perms.UNIT_HEAD, mawei)
    users = {"reporter": world["users"]["mawei"], "head": head, "leader": world["users"]["leader"]}
    year = dt.date.today().year
    common = ["/", "/plans/", f"/plans/{world['plan'].pk}/", "/plans/tasks/", "/targets/",
              f"/targets/{world['sales'].pk}/", "/funds/", "/reports/", "/reports/figures/", "/reports/inbox/",
              "/receipts/", f"/programs/{program.pk}/"]  # fmt: skip
    pages = {
        "reporter": [*common, f"/reports/{draft.pk}/", f"/reports/{approved.pk}/"],
        "head": [*common, f"/reports/{draft.pk}/"],
        "leader": [*common, f"/exchange/programs/{program.pk}/bulletin.docx", f"/assessments/programs/{program.pk}/{year}/",
                   "/projects/", "/dispatches/", "/organizations/"],
    }  # fmt: skip
    screenshot_dir(SHOTS)
    problems = []
    for role, user in users.items():
        for viewport in (PHONE, DESKTOP):
            context = browser.new_context(locale="zh-CN", viewport=viewport)
            context.add_cookies([_session_cookie(user, site.url)])
            page = context.new_page()
            for path in pages[role]:
                response = page.goto(f"{site.url}{path}")
                assert response.status == 200, (role, path, response.status)
                m = page.evaluate(MEASURE)
                where = f"{role} {viewport['width']}px {path}"
                if m["scroll"] > m["width"]:
                    problems.append(f"{where}: {m['scroll']} px wide in a {m['width']} px window")
                if viewport is PHONE:
                    if m["header"] > PHONE["height"] / 6:
                        problems.append(f"{where}: header {m['header']:.0f} px tall")
                    if m["navShown"]:
                        problems.append(f"{where}: the menu is open before it is asked for")
                name = f"{role}-{viewport['width']}-{path.strip('/').replace('/', '_') or 'home'}.png"
                page.screenshot(path=str(SHOTS / name), full_page=False)
            context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_phone_menu_cards_touch_targets_and_camera(site, browser, world):
    from duikou.reports.models import Report

    report = Report.objects.create(
        program=world["plan"].program, organization=world["mawei"], period="2023-10"
    )
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    context.add_cookies([_session_cookie(world["users"]["mawei"], site.url)])
    page = context.new_page()
    page.goto(f"{site.url}/plans/tasks/")
    assert not page.locator("#site-nav").is_visible()
    page.click("label.menu-button")
    assert page.locator("#site-nav").is_visible() and page.locator("#site-menu").is_visible()
    # Large touch targets in the open menu.
    heights = page.eval_on_selector_all(
        "#site-nav a", "links => links.map(a => a.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
    # A list table reads as cards: each row a block, each cell labelled with its column.
    row = page.locator("table.data tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    cell = page.locator("table.data tbody tr td").first
    assert cell.get_attribute("data-label")
    assert "：" in cell.evaluate("c => getComputedStyle(c, '::before').content")
    # Evidence from the camera.
    page.goto(f"{site.url}/reports/{report.pk}/")
    camera = page.locator("input[name=photo]")
    assert camera.get_attribute("accept") == "image/*" and camera.get_attribute("capture") == "environment"
    button = page.locator("#upload-evidence").bounding_box()
    assert button["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
