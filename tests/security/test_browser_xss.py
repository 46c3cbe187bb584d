"""Hole 1 (stored XSS) and the Content-Security-Policy, in real headless Chromium.

A unit named `<img src=x onerror=window.__xss=1>` arrives in an imported plan. Hovering it in the program's
pairing graph used to run the script (the ECharts tooltip formatter returned the name as HTML). Now the tooltip
draws text, and the CSP would refuse an inline handler anyway; no page of the tour raises a CSP violation.
"""

import json

import pytest
from django.test import Client

from duikou.core import permissions as perms

EVIL = "<img src=x onerror=window.__xss=1>"
# The resolver drops spaces from a unit's name (the organization is stored as `<imgsrc=xonerror=…>`); this one
# survives that and is live HTML: an <img> with an empty src fires onerror at once.
EVIL_NO_SPACES = "<img/src/onerror=window.__xss=1>"

PLAN = {
    "schema": "duikou.plan/1",
    "title": "2024年测试协作工作方案",
    "doc_number": "测试〔2024〕1号",
    "issuer": "福州市人民政府",
    "issued_on": "2024-03-01",
    "period": {"start_year": 2024, "end_year": 2024},
    "donors": ["福州市"],
    "recipients": ["固原市"],
    "pairings": [{"donor": EVIL, "recipient": "西吉县"}, {"donor": EVIL_NO_SPACES, "recipient": "原州区"}],
    "funding": [{"source": "福州市", "year": 2024, "amount_yuan": 1000000, "text": "2024年安排100万元"}],
    "targets": [],
    "tasks": [
        {
            "number": "1",
            "path": ["一", "1"],
            "title": "联席会议",
            "text": "参加联席会议",
            "lead_units": [EVIL],
            "support_units": ["闽侯县"],
            "deadline": "7月底前",
            "due": "2024-07-31",
        }
    ],
}

# Registered before any page script: every CSP violation the page raises is kept on window.__csp.
LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));"""


def _signed_in_page(browser, site, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}])
    context.add_init_script(LISTEN)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return page, console


@pytest.mark.django_db(transaction=True)
def test_an_imported_unit_name_does_not_run_as_script_in_the_pairing_graph(site, browser, make_user):
    from duikou.organizations.services import seed_divisions
    from duikou.plans.importer import import_plan_data

    seed_divisions()
    office = make_user("office", perms.OFFICE_ADMIN)
    raw = json.dumps(PLAN, ensure_ascii=False).encode()
    plan = import_plan_data(PLAN, source_bytes=raw, source_name="evil.json", user=office).plan
    page, console = _signed_in_page(browser, site, office)

    response = page.goto(f"{site.url}/programs/{plan.program_id}/")
    assert response.status == 200
    # Polled from here: wait_for_function evaluates a string in the page, which the page's CSP forbids.
    for _ in range(100):
        ready = (
            "() => !!(window.echarts && echarts.getInstanceByDom(document.getElementById('pairing-graph')))"
        )
        if page.evaluate(ready):
            break
        page.wait_for_timeout(100)
    index = page.evaluate(
        """(evil) => { const chart = echarts.getInstanceByDom(document.getElementById('pairing-graph'));
           return chart.getOption().series[0].data.findIndex(n => n.name.includes(evil)); }""",
        EVIL_NO_SPACES,
    )
    assert index >= 0, "the hostile name is a node of the graph"
    # Hover the node itself (its place in the force layout), then ask for its tooltip as a hover would.
    page.wait_for_timeout(1500)  # the force layout settles
    x, y = page.evaluate(
        """(i) => { const el = document.getElementById('pairing-graph'); const chart = echarts.getInstanceByDom(el);
           const p = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(i); const r = el.getBoundingClientRect();
           return [r.left + p[0], r.top + p[1]]; }""",
        index,
    )
    page.mouse.move(x, y)
    page.wait_for_timeout(400)
    page.evaluate(
        """(i) => echarts.getInstanceByDom(document.getElementById('pairing-graph'))
           .dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i})""",
        index,
    )
    page.wait_for_timeout(600)
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__csp") == [] and console == []
    policy = response.headers["content-security-policy"]
    # No 'unsafe-inline': the graph's script is a static file now, so this page needs not even a nonce.
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy


@pytest.mark.django_db(transaction=True)
def test_pages_raise_no_csp_violation(site, browser, make_user):
    from duikou.organizations.services import seed_divisions
    from duikou.plans.importer import import_plan_data

    seed_divisions()
    office = make_user("office", perms.OFFICE_ADMIN)
    office.is_staff = True
    office.save()
    raw = json.dumps(PLAN, ensure_ascii=False).encode()
    plan = import_plan_data(PLAN, source_bytes=raw, source_name="evil.json", user=office).plan
    page, console = _signed_in_page(browser, site, office)
    for path in [
        "/",
        "/api/docs",
        f"/programs/{plan.program_id}/",
        f"/plans/{plan.pk}/",
        "/plans/tasks/",
        "/funds/",
        f"/funds/plan/{plan.pk}/",
        f"/plans/{plan.pk}/matrix/",
        "/targets/",
        "/import/",
        "/admin/",
    ]:
        response = page.goto(f"{site.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        page.mouse.move(300, 300)
        page.wait_for_timeout(200)
        assert page.evaluate("window.__csp") == [], path
        if path.startswith("/funds/"):
            # Drawn by funds/funds_chart.js: no inline script (a list's kept body carries no nonce).
            drawn = (
                "() => !!(window.echarts && echarts.getInstanceByDom(document.getElementById('funds-chart')))"
            )
            assert page.evaluate(drawn), path
    assert console == []
