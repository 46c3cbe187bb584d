"""An import review that saves work: duplicates refused at upload, collective names flagged, unknown names amber
with the nearest candidates, one script for names, units found by typing; and outputs where they belong."""

import io
import json
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from duikou.organizations.services import is_placeholder_name


@pytest.mark.parametrize(
    "name",
    [
        "各预算主管部门",
        "各有关单位",
        "各签约单位",
        "前方工作组",
        "有关部门",
        "相关单位",
        "各县（区）",
        "工作专班",
    ],
)
def test_collective_and_placeholder_names_are_not_units(name):
    assert is_placeholder_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "闽侯县",
        "福州市人民政府办公厅",
        "市乡村振兴局",
        "马尾区委组织部",
        "福建省对口支援新疆前方指挥部",
        "各"[:0] + "省发改委",
    ],
)
def test_real_units_are_not_placeholders(name):
    assert not is_placeholder_name(name)


def _upload(client, name: str, data: dict):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = json.dumps(data, ensure_ascii=False).encode()
    return client.post("/import/", {"file": SimpleUploadedFile(name, raw, content_type="application/json")})


@pytest.mark.django_db
def test_a_duplicate_is_refused_at_upload_with_a_link(world, client_for, plan_data):
    from duikou.web.models import ImportDraft

    client = client_for(world["users"]["office"])
    before = ImportDraft.objects.count()
    # The same 文号 and title as the plan already imported (a re-saved copy: other bytes).
    plan_data["issuer"] = plan_data["issuer"] + " "
    response = _upload(client, "again.json", plan_data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "该方案已导入" in page and f'href="/plans/{world["plan"].pk}/"' in page
    assert ImportDraft.objects.count() == before


@pytest.mark.django_db
def test_review_flags_collectives_and_unknown_names_and_publishes_only_when_decided(
    world, client_for, plan_data
):
    from duikou.web.imports import publish_draft, unit_choices
    from duikou.web.models import ImportDraft

    plan_data["title"] = "另一份方案"
    plan_data["doc_number"] = "榕委振兴组〔2023〕9号"
    plan_data["tasks"][0]["lead_units"] = [
        "各预算主管部门",
        "閩侯區",
    ]  # a collective; a typo in traditional script
    plan_data["tasks"][1]["lead_units"] = ["马尾区"]
    client = client_for(world["users"]["office"])
    response = _upload(client, "p.json", plan_data)
    assert response.status_code == 302
    draft = ImportDraft.objects.latest("pk")
    # One script: the traditional name is stored simplified.
    assert draft.plan_data["tasks"][0]["lead_units"] == ["各预算主管部门", "闽侯区"]
    choices = {c.printed: c for c in unit_choices(draft)}
    assert choices["各预算主管部门"].status == "placeholder"
    assert choices["闽侯区"].status != "found"  # never green
    assert any(c.full_name.endswith("闽侯县") for c in choices["闽侯区"].resolution.candidates)
    page = client.get(f"/import/{draft.pk}/").content.decode()
    assert "不是具体单位" in page and "闽侯县" in page and "从方案中删除" in page
    with pytest.raises(Exception, match="不是具体单位"):
        publish_draft(draft=draft, user=world["users"]["office"])
    # The office drops the collective and maps the typo by typing part of a name (autocomplete).
    options = client.get("/import/units/", {"full_name": "闽侯"}).content.decode()
    assert "福建省福州市闽侯县" in options
    client.post(f"/import/{draft.pk}/resolve/", {"printed": "各预算主管部门", "row": "1", "drop": "1"})
    client.post(
        f"/import/{draft.pk}/resolve/", {"printed": "闽侯区", "row": "1", "full_name": "福建省福州市闽侯县"}
    )
    draft.refresh_from_db()
    assert draft.plan_data["tasks"][0]["lead_units"] == ["闽侯区"]
    result = publish_draft(draft=draft, user=world["users"]["office"])
    task = result.plan.tasks.get(order=0)
    leads = task.responsibilities.filter(role="lead")
    assert [r.organization.full_name for r in leads] == ["福建省福州市闽侯县"]


@pytest.mark.django_db
def test_outputs_are_linked_where_they_belong(world, client_for):
    office = client_for(world["users"]["office"])
    plan_page = office.get(f"/plans/{world['plan'].pk}/").content.decode()
    assert f"/exchange/plans/{world['plan'].pk}/tasktable.xlsx" in plan_page
    assert f"/exchange/plans/{world['plan'].pk}/tasktable/" in plan_page
    program = world["plan"].program
    program.is_public = True  # the open data and IATI links show once the program is public
    program.save()
    page = office.get(f"/programs/{program.pk}/").content.decode()
    for needle in (f"/exchange/programs/{program.pk}/bulletin.docx", f"/assessments/programs/{program.pk}/",
                   f"/open/programs/{program.pk}/", f"/open/programs/{program.pk}/iati.xml"):  # fmt: skip
        assert needle in page, needle
    # A unit sees no 通报 link (the page would refuse it).
    unit_page = client_for(world["users"]["mawei"]).get(f"/programs/{program.pk}/").content.decode()
    assert "bulletin.docx" not in unit_page


@pytest.mark.django_db
def test_the_dashboard_exports_itself(world, client_for):
    client = client_for(world["users"]["leader"])
    page = client.get("/").content.decode()
    assert "?export=xlsx" in page and "?export=docx" in page
    book = load_workbook(io.BytesIO(client.get("/?export=xlsx").content))
    programs = book["按对口关系"]
    header = [c.value for c in programs[1]]
    row = [c.value for c in programs[2]]
    assert row[0] == world["plan"].program.name
    assert row[header.index("计划资金（万元）")] == 6200.0  # 3000 + 3200 万元
    # The program's light, from the one owner (supervision.lights), in words.
    from duikou.supervision import lights

    program_id = world["plan"].program_id
    assert row[header.index("红黄绿灯")] == str(
        lights.LABELS[lights.program_lights([program_id])[program_id]]
    )
    assert book["按责任单位"].max_row >= 2
    doc = Document(io.BytesIO(client.get("/?export=docx").content))
    texts = [p.text for p in doc.paragraphs]
    assert "对口支援协作工作总览" in texts
    assert any("计划资金6,200.00万元" in t for t in texts)
    assert round(doc.sections[0].page_width.mm) == 210 and round(doc.sections[0].top_margin.mm) == 37
    assert doc.tables[0].rows[1].cells[0].text == world["plan"].program.name


@pytest.mark.django_db
def test_pairing_graph_has_one_row_per_unit_and_a_legend_by_level(world, client_for):
    from duikou.programs.models import Pairing

    program = world["plan"].program
    Pairing.objects.filter(program=program).update(level=Pairing.COUNTY)
    first = Pairing.objects.filter(program=program).first()
    first.level = Pairing.CITY
    first.save()
    response = client_for(world["users"]["leader"]).get(f"/programs/{program.pk}/")
    graph = response.context["graph"]
    assert [c["name"] for c in graph["categories"]] == ["市际", "县际"]  # the legend, in the order of levels
    for side in (0, 1):
        ys = [n["y"] for n in graph["nodes"] if n["side"] == side]
        assert len(ys) == len(set(ys))  # no two labels on one row
    assert {n["x"] for n in graph["nodes"]} == {0, 100}
    page = response.content.decode()
    assert "programs/pairing_graph.js" in page
    assert not re.search(
        r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", page
    )  # no inline code


def test_section_headings_keep_their_titles():
    from duikou.web.imports import with_section_titles

    data = {
        "tasks": [{"path": ["一", "1"]}, {"path": ["二", "（一）", "1"]}, {"path": ["二", "（一）", "2"]}]
    }
    text = "方案\n一、加强组织领导。各单位要……\n1. 召开会议\n二、深化产业协作\n（一）共建园区：推动……\n1. 建设园区"
    sections = with_section_titles(data, text)["sections"]
    assert sections == [
        {"path": ["一"], "title": "加强组织领导"},
        {"path": ["二"], "title": "深化产业协作"},
        {"path": ["二", "（一）"], "title": "共建园区"},
    ]


@pytest.mark.django_db
def test_an_approved_report_offers_no_return(world, client_for):
    from duikou.reports.models import Report

    approved = Report.objects.filter(status=Report.APPROVED).first()
    submitted = Report.objects.filter(status=Report.SUBMITTED).first()
    office = client_for(world["users"]["office"])
    assert 'id="return-report"' not in office.get(f"/reports/{approved.pk}/").content.decode()
    assert 'id="return-report"' in office.get(f"/reports/{submitted.pk}/").content.decode()
