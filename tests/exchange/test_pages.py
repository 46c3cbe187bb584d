"""The 任务分工 page (download, preview, apply) and the bulletin download, as the office and as a unit."""

import io

from django.test import Client
from docx import Document
from openpyxl import load_workbook

from duikou.core import permissions as perms


def test_tasktable_page_previews_then_applies(small_plan, office_admin):
    from duikou.plans.models import Plan

    # A draft: once published, a deadline moves only through a change request (test_tasktable).
    Plan.objects.filter(pk=small_plan.pk).update(status=Plan.DRAFT)
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
    page = client.post(
        f"/exchange/plans/{small_plan.pk}/tasktable/", {"apply": "1", "upload": digest}, follow=True
    )
    assert "已应用" in page.content.decode()
    assert small_plan.tasks.get(number="1").deadline == "5月底前"


def test_units_cannot_rewrite_a_plan_or_download_bulletins(small_plan, make_user):
    org = small_plan.tasks.get(number="3").responsibilities.first().organization
    client = Client()
    client.force_login(make_user("unit", perms.UNIT_REPORTER, org))
    assert client.get(f"/exchange/plans/{small_plan.pk}/tasktable/").status_code == 403
    assert (
        client.get(f"/exchange/programs/{small_plan.program_id}/bulletin.docx?period=2023-06").status_code
        == 403
    )


def test_bulletin_download(small_plan, office_admin):
    client = Client()
    client.force_login(office_admin)
    response = client.get(f"/exchange/programs/{small_plan.program_id}/bulletin.docx?period=2023-06")
    assert response.status_code == 200
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert any(t.startswith("（2023年6月") for t in texts)
    # Typed as offices write it, with a 发文字号.
    response = client.get(
        f"/exchange/programs/{small_plan.program_id}/bulletin.docx",
        {"period": "2023年6月", "doc_number": "榕协办〔2023〕7号"},
    )
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "榕协办〔2023〕7号" in texts
    # No period: the page to pick one (not a plain-text 400); a wrong one: the page again, saying why, keeping it.
    picker = client.get(f"/exchange/programs/{small_plan.program_id}/bulletin.docx")
    assert picker.status_code == 200 and picker["Content-Type"].startswith("text/html")
    page = picker.content.decode()
    assert 'class="site-header"' in page and "<datalist" in page and 'id="bulletin-form"' in page
    wrong = client.get(f"/exchange/programs/{small_plan.program_id}/bulletin.docx?period=June")
    assert wrong.status_code == 400 and "无法识别的报告期" in wrong.content.decode()
    assert 'value="June"' in wrong.content.decode()
