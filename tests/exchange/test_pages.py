"""The 任务分工 page (download, preview, apply) and the bulletin download, as the office and as a unit."""

import io

from django.test import Client
from docx import Document
from openpyxl import load_workbook

from duikou.core import permissions as perms


def test_tasktable_page_previews_then_applies(small_plan, office_admin):
    client = Client()
    client.force_login(office_admin)
    data = client.get(f"/exchange/plans/{small_plan.pk}/tasktable.xlsx").content
    wb = load_workbook(io.BytesIO(data))
    wb.active["E4"] = "5月底前"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "edited.xlsx"
    page = client.post(f"/exchange/plans/{small_plan.pk}/tasktable/", {"file": out})
    html = page.content.decode()
    assert "E4 完成时限" in html and "6月底前" in html and "5月底前" in html
    assert small_plan.tasks.get(number="1").deadline == "6月底前"
    digest = html.split('name="upload" value="')[1].split('"')[0]
    page = client.post(f"/exchange/plans/{small_plan.pk}/tasktable/", {"apply": "1", "upload": digest})
    assert "已应用" in page.content.decode()
    assert small_plan.tasks.get(number="1").deadline == "5月底前"


def test_units_cannot_rewrite_a_plan_or_download_bulletins(small_plan, make_user):
    org = small_plan.tasks.get(number="3").responsibilities.first().organization
    client = Client()
    client.force_login(make_user("unit", perms.UNIT_REPORTER, org))
    assert client.get(f"/exchange/plans/{small_plan.pk}/tasktable/").status_code == 403
    assert client.get(f"/exchange/programs/{small_plan.program_id}/bulletin.docx?period=2023-06").status_code == 403


def test_bulletin_download(small_plan, office_admin):
    client = Client()
    client.force_login(office_admin)
    response = client.get(f"/exchange/programs/{small_plan.program_id}/bulletin.docx?period=2023-06")
    assert response.status_code == 200
    assert Document(io.BytesIO(response.content)).paragraphs[1].text.startswith("（2023年6月")
    assert client.get(f"/exchange/programs/{small_plan.program_id}/bulletin.docx?period=June").status_code == 400
