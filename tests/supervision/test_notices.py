"""督办: a task red for more than M days, or urged twice without an answer, raises a numbered 黄牌; the office issues
the 督办单 (.docx, opened back); the unit answers with evidence; the office closes; an unanswered 黄牌 becomes a
红牌 after M days; the ledger (open, answered, overdue) and its .xlsx export."""

import base64
import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from reports.files import PNG

from duikou.reports.models import Report
from duikou.supervision import notices, services
from duikou.supervision.models import LightRule, SupervisionNotice

pytestmark = pytest.mark.django_db
URL = "/api/supervision/notices/"


@pytest.fixture
def reported(world):
    """Reports handed in, so only lateness makes tasks red: task_a (due 2025-06-30, 马尾区 leads)."""
    world.plan.issued_on = dt.date(2025, 1, 1)
    world.plan.save()
    for period in ("2025-05", "2025-06", "2025-07"):
        for org in (world.mawei, world.gulou):
            Report.objects.get_or_create(
                program=world.program, organization=org, period=period, defaults={"status": Report.APPROVED}
            )
    Report.objects.filter(program=world.program).update(status=Report.APPROVED)
    return world


def test_red_for_more_than_m_days_raises_a_numbered_yellow_card_once(reported):
    w = reported
    # Red since 06-30; M = 7: not yet on 07-07, raised on 07-08 to the lead unit only.
    assert notices.escalate(today=dt.date(2025, 7, 7)) == 0
    assert notices.escalate(today=dt.date(2025, 7, 8)) == 1
    notice = SupervisionNotice.objects.get()
    assert (notice.task, notice.organization, notice.level, notice.cause) == (
        w.task_a,
        w.mawei,
        "yellow",
        "red",
    )
    assert notice.number == "督办〔2025〕1号" and notice.status == "raised"
    assert notices.escalate(today=dt.date(2025, 7, 9)) == 0  # one open notice per task and unit
    LightRule.objects.create(program=w.program, notice_after_days=30)
    SupervisionNotice.objects.all().delete()
    assert notices.escalate(today=dt.date(2025, 7, 20)) == 0  # the office's M


def test_two_unanswered_urges_raise_a_notice(reported):
    w = reported
    office = w.users["office_admin"]
    services.urge(user=office, organization=w.gulou, task=w.task_b)
    assert notices.escalate(today=dt.date(2025, 7, 1)) == 0
    second = services.urge(user=office, organization=w.gulou, task=w.task_b)
    assert notices.escalate(today=dt.date(2025, 7, 1)) == 1
    notice = SupervisionNotice.objects.get()
    assert notice.cause == "urges" and notice.organization == w.gulou
    services.answer_urge(urge=second, user=w.users["reporter_b"], text="已推进")
    assert notice.number.endswith("1号")


def test_issue_answer_close_and_escalation_to_red(reported, api):
    w = reported
    notices.escalate(today=dt.date(2025, 7, 8))
    notice = SupervisionNotice.objects.get()
    office, unit, other = api(w.users["office_admin"]), api(w.users["reporter_a"]), api(w.users["reporter_b"])
    assert other.get(f"{URL}{notice.pk}").status_code == 404
    assert unit.post(f"{URL}{notice.pk}/issue").status_code == 403
    r = office.post(f"{URL}{notice.pk}/issue")
    assert r.status_code == 200 and r.json()["status"] == "issued" and r.json()["answer_due"]
    # Not answered within M days of issue: a 红牌, numbered after it, pointing back.
    notice.refresh_from_db()
    issued_day = timezone.localtime(notice.issued_at).date()
    # (By then the world's other tasks are long red too and get their own 黄牌.)
    notices.escalate(today=issued_day + dt.timedelta(days=7))
    assert not SupervisionNotice.objects.filter(level="red").exists()
    notices.escalate(today=issued_day + dt.timedelta(days=8))
    red = SupervisionNotice.objects.get(level="red")
    assert red.escalated_from == notice and red.task == notice.task and red.sequence > notice.sequence
    r = unit.post(
        f"{URL}{notice.pk}/answer",
        {
            "answer": "已完成用地手续，附批复",
            "evidence_name": "批复.png",
            "evidence_base64": base64.b64encode(PNG).decode(),
        },
    )
    assert r.status_code == 200 and r.json()["status"] == "answered" and r.json()["has_evidence"]
    assert unit.post(f"{URL}{notice.pk}/close").status_code == 403
    r = office.post(f"{URL}{notice.pk}/close", {"note": "同意办结"})
    assert r.json()["status"] == "closed"
    # A notice not answered is closed only with a reason.
    assert office.post(f"{URL}{red.pk}/close").status_code == 422


def test_the_notice_docx_is_a_gongwen_opened_back(reported, browser_client):
    w = reported
    notices.escalate(today=dt.date(2025, 7, 8))
    notice = SupervisionNotice.objects.get()
    notices.issue(notice=notice, user=w.users["office_admin"])
    response = browser_client(w.users["reporter_a"]).get(f"/supervision/notices/{notice.pk}/docx/")
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert "督办〔2025〕1号" in text and "督办单" in text
    assert "福建省福州市马尾区：" in text and "马尾区产业园建设" in text and "黄牌" in text
    section = Document(BytesIO(response.content)).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37


def test_ledger_page_and_xlsx(reported, browser_client):
    w = reported
    notices.escalate(today=dt.date(2025, 7, 8))
    notice = SupervisionNotice.objects.get()
    notices.issue(notice=notice, user=w.users["office_admin"])
    SupervisionNotice.objects.filter(pk=notice.pk).update(
        answer_due=dt.date(2025, 7, 1)
    )  # past its answer date
    leader = browser_client(w.users["leader"])
    page = leader.get("/supervision/notices/?state=overdue").content.decode()
    assert notice.number in page and "逾期" in page
    assert notice.number not in leader.get("/supervision/notices/?state=answered").content.decode()
    book = load_workbook(BytesIO(leader.get("/supervision/notices/?export=xlsx").content))
    sheet = book.active
    assert [c.value for c in sheet[1]][:3] == ["督办编号", "等级", "状态"]
    row = [c.value for c in sheet[2]]
    assert row[0] == notice.number and row[3] == "福建省福州市马尾区" and row[-1] == "是"
    assert sheet["I2"].number_format == "yyyy-mm-dd"
    # A unit sees its own notices only.
    assert (
        notice.number
        not in browser_client(w.users["reporter_b"]).get("/supervision/notices/").content.decode()
    )
