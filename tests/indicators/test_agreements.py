"""A pair's yearly agreement: entered in the page, uploaded as the 协议's .xlsx table, or taken from a plan's targets."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duikou.core import permissions as perms
from duikou.core.models import ChangeLog
from duikou.indicators.models import Agreement
from duikou.organizations.models import Organization
from duikou.plans.models import Plan
from duikou.programs.models import Pairing, Program
from duikou.targets.models import Target


@pytest.fixture
def pairing(db):
    program = Program.objects.create(name="闽宁协作", kind=Program.EAST_WEST)
    return Pairing.objects.create(
        program=program,
        donor=Organization.objects.get(full_name="福建省"),
        recipient=Organization.objects.get(full_name="宁夏回族自治区"),
        level=Pairing.PROVINCE,
    )


@pytest.fixture
def office(client, make_user):
    client.force_login(make_user("office", perms.OFFICE_ADMIN))
    return client


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _values(agreement):
    return {v.indicator.code: v.value for v in agreement.values.select_related("indicator")}


def test_start_enter_upload_and_take_from_a_plan(office, pairing):
    response = office.post(reverse("indicators:agreements"), {"pairing": pairing.pk, "year": 2023})
    agreement = Agreement.objects.get(pairing=pairing, year=2023)
    assert response["Location"] == reverse("indicators:agreement", args=[agreement.pk])
    url = reverse("indicators:agreement", args=[agreement.pk])

    office.post(
        url,
        {
            "action": "values",
            "title": "2023年闽宁协作协议",
            "value-fiscal_aid": "52,000",
            "value-labour": "3000",
        },
    )
    agreement.refresh_from_db()
    assert agreement.title == "2023年闽宁协作协议" and _values(agreement) == {
        "fiscal_aid": 52000,
        "labour": 3000,
    }
    bad = office.post(url, {"action": "values", "value-labour": "三千"})
    assert bad.status_code == 400 and "“三千”不是非负数" in bad.content.decode()
    assert _values(agreement)["labour"] == 3000

    table = _xlsx(
        [
            ["2023年闽宁协作协议主要指标"],
            ["序号", "指标", "单位", "协议数"],
            [1, "财政援助资金", "万元", 52000],
            [2, "消费帮扶·帮助销售", "万元", 75000],
            [3, "其中：脱贫劳动力", "人", 1000],
            [4, "talents.education", "人", None],
        ]
    )
    office.post(url, {"action": "upload", "file": SimpleUploadedFile("协议.xlsx", table)})
    agreement.refresh_from_db()
    assert agreement.source == Agreement.SPREADSHEET
    assert _values(agreement) == {
        "fiscal_aid": 52000,
        "labour": 3000,
        "consumption.sales": 75000,
        "labour.poverty": 1000,
    }
    wrong = _xlsx([["指标", "协议数"], ["财政援助资金", 1], ["不存在的指标", 2]])
    response = office.post(url, {"action": "upload", "file": SimpleUploadedFile("错.xlsx", wrong)})
    assert (
        response.status_code == 400
        and "错.xlsx Sheet!A3：未知指标“不存在的指标”" in response.content.decode()
    )
    assert _values(agreement)["fiscal_aid"] == 52000  # nothing of the refused file was stored
    response = office.post(url, {"action": "upload", "file": SimpleUploadedFile("坏.xlsx", b"not a zip")})
    assert "坏.xlsx：不是 .xlsx 文件或已损坏" in response.content.decode()

    plan = Plan.objects.create(
        program=pairing.program,
        title="闽宁方案",
        source_sha256=hashlib.sha256(b"p").hexdigest(),
        source_content=b"p",
        start_year=2023,
        end_year=2023,
    )
    Target.objects.create(plan=plan, indicator="帮助宁夏农村劳动力就业", value=3500, unit="person", year=2023)
    Target.objects.create(
        plan=plan, indicator="帮助宁夏销售农副产品", value=800_000_000, unit="yuan", year=2023
    )
    Target.objects.create(
        plan=plan, indicator="帮助宁夏销售农副产品", value=1, unit="yuan", year=2024
    )  # other year
    office.post(url, {"action": "plan", "plan": plan.pk})
    agreement.refresh_from_db()
    assert agreement.source == Agreement.PLAN and agreement.plan == plan
    assert _values(agreement)["labour"] == 3500 and _values(agreement)["consumption.sales"] == Decimal(80000)
    assert ChangeLog.objects.filter(object_repr__contains="帮助销售").count() >= 2

    page = office.get(url).content.decode()
    assert "80,000" in page or "80000" in page


def test_units_may_not_change_agreements(client, make_user, pairing):
    agreement = Agreement.objects.create(pairing=pairing, year=2023)
    unit = make_user("unit", perms.UNIT_REPORTER, pairing.donor)
    client.force_login(unit)
    response = client.post(
        reverse("indicators:agreement", args=[agreement.pk]), {"action": "values", "value-labour": "1"}
    )
    assert response.status_code == 403 and not agreement.values.exists()
    assert client.get(reverse("indicators:national")).status_code == 403


def test_the_office_confirms_a_proposed_mapping(office, pairing):
    plan = Plan.objects.create(
        program=pairing.program,
        title="方案",
        source_sha256=hashlib.sha256(b"q").hexdigest(),
        source_content=b"q",
    )
    target = Target.objects.create(plan=plan, indicator="选派教师", value=30, unit="person")
    assert (target.national_indicator.code, target.national_indicator_confirmed) == (
        "talents.education",
        False,
    )
    page = office.get(reverse("indicators:targets"))
    assert target in list(page.context["targets"])
    office.post(reverse("indicators:targets"), {"target": target.pk, "indicator": "training"})
    target.refresh_from_db()
    assert (target.national_indicator.code, target.national_indicator_confirmed) == ("training", True)
    assert target not in list(office.get(reverse("indicators:targets")).context["targets"])
