"""Open data: public pages without login, CSV/JSON downloads, IATI XML valid against the 2.03 schema."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from lxml import etree

from duikou.funds.models import Transaction
from duikou.projects.models import Project

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "iati" / "iati-activities-schema.xsd")))


@pytest.fixture
def public(small_plan, org):
    program = small_plan.program
    program.is_public = True  # programs are private until the office publishes them
    program.save()
    line = small_plan.funding_lines.get()
    recipient = org("宁夏回族自治区固原市")
    Transaction.objects.create(
        funding_line=line,
        amount=Decimal("2500000.50"),
        date=dt.date(2023, 4, 1),
        payer=line.source_organization,
        payee=recipient,
    )
    project = Project.objects.create(
        program=program,
        name="西吉县冷链物流中心",
        status=Project.UNDER_WAY,
        recipient=org("宁夏回族自治区固原市西吉县"),
        implementer=org("福建省福州市马尾区"),
        sector="产业",
        budget=Decimal("8000000"),
        start_date=dt.date(2023, 5, 1),
    )
    Transaction.objects.create(
        project=project,
        amount=Decimal("1000000"),
        date=dt.date(2023, 6, 1),
        payer=org("福建省福州市马尾区"),
        payee=project.recipient,
    )
    Project.objects.create(program=program, name="仅在储备库的项目", recipient=recipient)
    return program


def test_public_page_needs_no_login_and_hides_private_programs(public):
    client = Client()
    page = client.get(f"/open/programs/{public.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert public.name in html and "召开联席会议" in html
    assert f"/open/programs/{public.pk}/tasks.csv" in html and f"/open/programs/{public.pk}/iati.xml" in html
    assert public.name in client.get("/open/").content.decode()
    public.is_public = False
    public.save()
    for url in (
        f"/open/programs/{public.pk}/",
        f"/open/programs/{public.pk}/tasks.csv",
        f"/open/programs/{public.pk}/iati.xml",
    ):
        assert client.get(url).status_code == 404
    assert public.name not in client.get("/open/").content.decode()


def test_csv_and_json_downloads(public):
    client = Client()
    raw = client.get(f"/open/programs/{public.pk}/tasks.csv").content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "方案",
        "序号",
        "工作任务",
        "牵头单位",
        "配合单位",
        "完成时限",
        "截止日期",
        "状态",
        "进度（%）",
    ]
    assert rows[3][1:7] == ["3", "消费帮扶", "马尾区、闽侯县", "市商务局", "11月底前", "2023-11-30"]
    funds = json.loads(client.get(f"/open/programs/{public.pk}/funds.json").content)
    assert funds["items"] == [
        {
            "plan": "福州市2023年闽宁协作工作要点",
            "source": "福州市",
            "year": 2023,
            "planned_yuan": 50000000,
            "disbursed_yuan": 2500000.5,
        }
    ]
    projects = json.loads(client.get(f"/open/programs/{public.pk}/projects.json").content)["items"]
    assert [p["name"] for p in projects] == ["西吉县冷链物流中心"]  # candidates are not public yet
    targets = json.loads(client.get(f"/open/programs/{public.pk}/targets.json").content)["items"]
    assert targets[0]["allocations"] == [
        {"unit": "马尾区", "value": 120000000},
        {"unit": "闽侯县", "value": 80000000},
    ]
    pairings = list(
        csv.reader(
            io.StringIO(client.get(f"/open/programs/{public.pk}/pairings.csv").content.decode("utf-8-sig"))
        )
    )
    assert pairings[1][:2] == ["福建省福州市马尾区", "宁夏回族自治区固原市西吉县"]
    assert client.get(f"/open/programs/{public.pk}/persons.csv").status_code == 404


def test_iati_xml_validates_and_carries_the_money(public):
    data = Client().get(f"/open/programs/{public.pk}/iati.xml").content
    doc = etree.fromstring(data)
    SCHEMA.assertValid(doc)
    activities = doc.findall("iati-activity")
    assert [a.get("hierarchy") for a in activities] == ["1", "2"]
    program, project = activities
    parent_id = program.findtext("iati-identifier")
    assert program.findtext("title/narrative") == public.name
    assert [b.findtext("value") for b in program.findall("budget")] == ["50000000.00"]
    txn = program.find("transaction")
    assert txn.find("transaction-type").get("code") == "3" and txn.findtext("value") == "2500000.50"
    assert txn.findtext("receiver-org/narrative") == "宁夏回族自治区固原市"
    assert project.findtext("title/narrative") == "西吉县冷链物流中心"
    assert project.find("activity-status").get("code") == "2"
    assert project.find("related-activity").get("ref") == parent_id
    assert project.findtext("transaction/value") == "1000000.00"
    assert project.find("sector").get("vocabulary") == "99"


@pytest.mark.parametrize("index", range(5))
def test_iati_of_every_seed_validates(seed_plan, index):
    from duikou.exchange.iati import program_activities

    from .conftest import SEEDS

    plan = seed_plan(SEEDS[index])
    doc = etree.fromstring(program_activities(plan.program))
    SCHEMA.assertValid(doc)
    assert doc.find("iati-activity/title/narrative").text == plan.program.name
