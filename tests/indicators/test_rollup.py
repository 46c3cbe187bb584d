"""A province generated here rolls up to exact sums per indicator and level; the expected sums are computed in the
test from the rows it creates (its own parent walk, not the app's tree paths), and the CLI and the page agree."""

import datetime as dt
import hashlib
import io
import json
import random
from collections import defaultdict
from contextlib import redirect_stdout
from decimal import Decimal

import pytest
from django.urls import reverse

from duikou.core import permissions as perms
from duikou.dispatches.models import Dispatch
from duikou.funds.models import FundingLine, Transaction
from duikou.indicators.models import Agreement
from duikou.indicators.services import CITY, PAIR, PROVINCE, progress, save_agreement
from duikou.organizations.models import Organization
from duikou.plans.models import Plan
from duikou.programs.models import Pairing, Program
from duikou.projects.models import Project
from duikou.reports.models import Report, TargetFigure
from duikou.targets.models import Target

YEAR = 2023
WAN = Decimal(10000)


def _ancestors_or_self(org: Organization) -> set[int]:
    out = set()
    while org is not None:
        out.add(org.pk)
        org = org.parent
    return out


class World:
    """Everything created, and every contribution the test expects, kept as plain tuples."""

    def __init__(self):
        self.expected: list[tuple] = []  # (code, key, value, giver, receiver or None)
        self.agreements: dict[int, dict[str, Decimal]] = {}


@pytest.fixture
def world(db, catalogue):
    rng = random.Random(16)
    w = World()
    donor = Organization.objects.get(full_name="福建省")
    recipient = Organization.objects.get(full_name="宁夏回族自治区")
    d_cities = list(donor.children.filter(level=Organization.CITY).order_by("pk")[:2])
    r_cities = list(recipient.children.filter(level=Organization.CITY).order_by("pk")[:2])
    d_counties = [list(c.children.order_by("pk")[:2]) for c in d_cities]
    r_counties = [list(c.children.order_by("pk")[:2]) for c in r_cities]
    program = Program.objects.create(
        name="闽宁协作（测试）", kind=Program.EAST_WEST, start_year=2021, end_year=2025
    )
    program.donors.add(donor)
    program.recipients.add(recipient)
    other = Program.objects.create(name="另一对口关系", kind=Program.SUPPORT)
    w.program, w.donor, w.recipient = program, donor, recipient
    w.d_cities, w.r_cities, w.d_counties, w.r_counties = d_cities, r_cities, d_counties, r_counties

    def pair(d, r, level, **extra):
        return Pairing.objects.create(program=program, donor=d, recipient=r, level=level, **extra)

    w.top = pair(donor, recipient, Pairing.PROVINCE)
    w.city_pairs = [pair(d_cities[i], r_cities[i], Pairing.CITY) for i in range(2)]
    w.county_pairs = [
        pair(d_counties[i][j], r_counties[i][j], Pairing.COUNTY) for i in range(2) for j in range(2)
    ]
    for p in w.county_pairs:
        w.expected.append(("pairs.county", ("c", p.recipient_id), Decimal(1), p.donor, p.recipient))
    # Two enterprises pair with one village: one village counted.
    village = Organization.objects.create(
        name="红星村", parent=r_counties[0][0], level=Organization.VILLAGE, kind=Organization.TOWN
    )
    for n in range(2):
        firm = Organization.objects.create(
            name=f"测试企业{n}", parent=d_counties[0][0], kind=Organization.ENTERPRISE
        )
        pair(firm, village, Pairing.VILLAGE)
    w.expected.append(("pairs.enterprise_village", ("v", village.pk), Decimal(1), d_counties[0][0], village))
    # A pairing that ended in 2022 is not counted in 2023.
    pair(d_counties[1][1], r_counties[0][1], Pairing.COUNTY, end_date=dt.date(2022, 12, 31))

    plan = Plan.objects.create(
        program=program,
        title="闽宁协作测试方案",
        source_sha256=hashlib.sha256(b"t").hexdigest(),
        source_content=b"t",
        start_year=YEAR,
        end_year=YEAR,
    )
    sales = Target.objects.create(
        plan=plan, indicator="帮助宁夏销售农副产品", value=750_000_000, unit="yuan", year=YEAR
    )
    labour = Target.objects.create(
        plan=plan, indicator="帮助宁夏农村劳动力就业", value=3000, unit="person", year=YEAR
    )
    poor = Target.objects.create(
        plan=plan, indicator="帮助脱贫人口在宁夏就业", value=1000, unit="person", year=YEAR
    )
    assert [t.national_indicator.code for t in (sales, labour, poor)] == [
        "consumption.sales",
        "labour",
        "labour.poverty",
    ]
    w.plan = plan

    # Reports: cumulative figures; the year's work is the latest approved of 2023 less the latest approved of 2022.
    reporters = [d_counties[0][0], d_counties[0][1], d_counties[1][0], d_cities[1], r_counties[1][0]]
    for org in reporters:
        last_year = {t: Decimal(rng.randrange(0, 500)) for t in (sales, labour, poor)}
        mid = {t: last_year[t] + rng.randrange(0, 800) for t in last_year}
        late = {t: mid[t] + rng.randrange(0, 800) for t in last_year}
        for period, values, status in (
            ("2022-12", last_year, Report.APPROVED),
            ("2023-06", mid, Report.APPROVED),
            ("2023-10", late, Report.APPROVED),
            (
                "2023-11",
                {t: v + 9999 for t, v in late.items()},
                Report.SUBMITTED,
            ),  # not approved: not counted
            ("2024-01", {t: v + 7777 for t, v in late.items()}, Report.APPROVED),  # next year: not counted
        ):
            report = Report.objects.create(program=program, organization=org, period=period, status=status)
            for t, v in values.items():
                TargetFigure.objects.create(report=report, target=t, value=v * (WAN if t is sales else 1))
        for t, code in ((sales, "consumption.sales"), (labour, "labour"), (poor, "labour.poverty")):
            w.expected.append((code, ("f", t.pk, org.pk), late[t] - last_year[t], org, None))

    # Dispatches by kind; a cadre from the west is counted as 西部选派到东部.
    def send(field, frm, to, start, end=None, counted=True, code=None):
        d = Dispatch.objects.create(
            program=program,
            person_name=f"人员{rng.random():.6f}",
            from_organization=frm,
            to_organization=to,
            field=field,
            start_date=start,
            end_date=end,
        )
        if counted:
            w.expected.append((code, ("d", d.pk), Decimal(1), frm, to))

    for i in range(2):
        for j in range(2):
            for _n in range(rng.randrange(1, 4)):
                send(
                    Dispatch.TEACHER,
                    d_counties[i][j],
                    r_counties[i][j],
                    dt.date(2023, 3, 1),
                    code="talents.education",
                )
            send(
                Dispatch.DOCTOR,
                d_counties[i][j],
                r_counties[i][j],
                dt.date(2022, 9, 1),
                dt.date(2023, 2, 28),
                code="talents.medical",
            )
    send(Dispatch.AGRONOMIST, d_cities[0], r_cities[0], dt.date(2023, 5, 1), code="talents.agriculture")
    send(
        Dispatch.TEACHER,
        d_counties[0][0],
        r_counties[0][0],
        dt.date(2021, 1, 1),
        dt.date(2022, 6, 30),
        counted=False,
    )
    send(Dispatch.CADRE, d_counties[1][1], r_counties[1][1], dt.date(2023, 1, 1), code="cadres.out")
    send(Dispatch.CADRE, r_counties[1][0], d_counties[1][0], dt.date(2023, 7, 1), code="cadres.in")
    send(
        Dispatch.TEACHER, d_counties[0][0], r_counties[0][0], dt.date(2023, 1, 1), counted=False
    )  # below: other program
    last = Dispatch.objects.order_by("-pk").first()
    last.program = other
    last.save()

    # Payments: confirmed disbursements received in 2023 count (received amount); pending or 2022 ones do not.
    line = FundingLine.objects.create(
        plan=plan, source="福建省", source_organization=donor, year=YEAR, amount=10**9
    )
    for i in range(2):
        for j in range(2):
            amount = Decimal(rng.randrange(100, 900) * 10000)
            received = amount - Decimal(rng.randrange(0, 5) * 10000)
            t = Transaction.objects.create(
                funding_line=line,
                amount=amount,
                date=dt.date(2023, 4, 1),
                payer=d_counties[i][j],
                payee=r_counties[i][j],
                receipt_status=Transaction.CONFIRMED,
                received_amount=received,
                received_on=dt.date(2023, 4, 9),
            )
            w.expected.append(("fiscal_aid", ("t", t.pk), received / WAN, d_counties[i][j], r_counties[i][j]))
    Transaction.objects.create(
        funding_line=line, amount=5 * 10**6, date=dt.date(2023, 5, 1), payer=donor, payee=recipient
    )  # pending
    Transaction.objects.create(
        funding_line=line,
        amount=5 * 10**6,
        date=dt.date(2022, 5, 1),
        payer=donor,
        payee=recipient,
        receipt_status=Transaction.CONFIRMED,
        received_amount=5 * 10**6,
        received_on=dt.date(2022, 5, 9),
    )

    # Projects from 立项 on, started in 2023.
    for i in range(2):
        budget = Decimal(rng.randrange(100, 999) * 10000)
        p = Project.objects.create(
            program=program,
            name=f"援建项目{i}",
            status=Project.UNDER_WAY,
            recipient=r_counties[i][1],
            implementer=d_counties[i][1],
            budget=budget,
            start_date=dt.date(2023, 3, 1),
        )
        w.expected.append(("projects", ("p", p.pk), Decimal(1), d_counties[i][1], r_counties[i][1]))
        w.expected.append(("projects.funds", ("p", p.pk), budget / WAN, d_counties[i][1], r_counties[i][1]))
    Project.objects.create(
        program=program,
        name="储备项目",
        status=Project.CANDIDATE,
        recipient=r_counties[0][0],
        budget=10**6,
        start_date=dt.date(2023, 3, 1),
    )

    # Agreements at three levels: national and provincial agreed values take the outermost (province) one.
    for p, scale in ((w.top, 10), (w.city_pairs[0], 3), (w.county_pairs[0], 1)):
        values = {
            "consumption.sales": Decimal(scale * 1000),
            "labour": Decimal(scale * 300),
            "talents.education": Decimal(scale * 2),
            "talents.medical": Decimal(scale),
        }
        save_agreement(pairing=p, year=YEAR, values=values)
        w.agreements[p.pk] = values
    return w


PARTS = {
    "consumption": ["consumption.sales", "consumption.purchase"],
    "talents": ["talents.education", "talents.medical", "talents.agriculture", "talents.other"],
    "cadres": ["cadres.out", "cadres.in"],
    "pairs": [
        "pairs.county",
        "pairs.town",
        "pairs.village",
        "pairs.school",
        "pairs.hospital",
        "pairs.enterprise_village",
        "pairs.social_village",
    ],
}


def expected_sums(rows) -> dict[str, Decimal]:
    by_code: dict[str, dict] = defaultdict(dict)
    for code, key, value, *_ in rows:
        by_code[code][key] = value
    out = {code: sum(v.values(), Decimal(0)) for code, v in by_code.items()}
    for parent, parts in PARTS.items():
        out[parent] = out.get(parent, Decimal(0)) + sum((out.get(p, Decimal(0)) for p in parts), Decimal(0))
    return out


def achieved(lines) -> dict[str, Decimal]:
    return {line.indicator.code: line.achieved for line in lines}


def assert_same(got: dict, want: dict):
    for code in set(got) | set(want):
        assert got.get(code, 0) == pytest.approx(want.get(code, Decimal(0)), abs=Decimal("0.0001")), code
    assert any(want.values())


def test_national_province_city_and_pair_sums_are_exact(world):
    w = world
    national = progress(year=YEAR, program_ids={w.program.pk})
    assert_same(achieved(national.lines), expected_sums(w.expected))
    # Everything of the other program is out of the program's figures, in the national ones.
    everything = progress(year=YEAR)
    assert (
        achieved(everything.lines)["talents.education"] == achieved(national.lines)["talents.education"] + 1
    )

    def touching(org):
        return [
            r
            for r in w.expected
            if org.pk in _ancestors_or_self(r[3]) or (r[4] and org.pk in _ancestors_or_self(r[4]))
        ]

    provinces = {g.id: g for g in progress(year=YEAR, level=PROVINCE, program_ids={w.program.pk}).groups}
    assert set(provinces) == {w.donor.pk, w.recipient.pk}
    for org in (w.donor, w.recipient):
        assert_same(achieved(provinces[org.pk].lines), expected_sums(touching(org)))
    cities = {g.id: g for g in progress(year=YEAR, level=CITY, program_ids={w.program.pk}).groups}
    for org in w.d_cities + w.r_cities:
        assert_same(achieved(cities[org.pk].lines), expected_sums(touching(org)))

    pairs = {g.id: g for g in progress(year=YEAR, level=PAIR, program_ids={w.program.pk}).groups}
    assert set(pairs) == set(w.agreements)
    for p in [w.top, w.city_pairs[0], w.county_pairs[0]]:
        d = _ancestors_or_self
        mine = [
            row
            for row in w.expected
            if (p.donor_id in d(row[3]) and (row[4] is None or p.recipient_id in d(row[4])))
            or (p.recipient_id in d(row[3]) and (row[4] is None or p.donor_id in d(row[4])))
        ]
        assert_same(achieved(pairs[p.pk].lines), expected_sums(mine))
        agreed = {line.indicator.code: line.agreed for line in pairs[p.pk].lines}
        for code, value in w.agreements[p.pk].items():
            assert agreed[code] == value
        assert (
            agreed["talents"]
            == w.agreements[p.pk]["talents.education"] + w.agreements[p.pk]["talents.medical"]
        )
        assert agreed["fiscal_aid"] is None
    # National agreed: the province pair's agreement only (the city and county ones are inside it).
    national_agreed = {line.indicator.code: line.agreed for line in national.lines}
    assert national_agreed["consumption.sales"] == w.agreements[w.top.pk]["consumption.sales"]
    rates = {line.indicator.code: line.rate for line in national.lines}
    want = (expected_sums(w.expected)["labour"] / w.agreements[w.top.pk]["labour"] * 100).quantize(
        Decimal("0.1")
    )
    assert rates["labour"] == want


def run_cli(*args) -> tuple[int, str]:
    from duikou.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["indicators", *args])
    return code, out.getvalue()


def test_the_cli_and_the_national_page_agree(world, client, make_user):
    code, out = run_cli("--year", str(YEAR), "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["year"] == YEAR and set(payload["indicators"][0]) >= {
        "code",
        "name",
        "unit",
        "agreed",
        "achieved",
    }
    client.force_login(make_user("leader1", perms.LEADER))
    page = client.get(reverse("indicators:national"), {"year": YEAR})
    assert page.status_code == 200
    shown = {r["line"].indicator.code: (r["line"].agreed, r["line"].achieved) for r in page.context["rows"]}
    assert len(shown) == len(payload["indicators"])
    for item in payload["indicators"]:
        agreed, got = shown[item["code"]]
        assert item["achieved"] == pytest.approx(float(got))
        assert item["agreed"] == (None if agreed is None else pytest.approx(float(agreed)))
    body = page.content.decode()
    assert "财政援助资金" in body and "帮助销售" in body
    # Pair level in the CLI equals pair level on the page.
    code, out = run_cli("--year", str(YEAR), "--level", "pair", "--program", str(world.program.pk), "--json")
    groups = {g["id"]: g for g in json.loads(out)["groups"]}
    page = client.get(
        reverse("indicators:national"), {"year": YEAR, "level": "pair", "program": world.program.pk}
    )
    for g in page.context["groups"]:
        assert [float(r["line"].achieved) for r in g["rows"]] == [
            i["achieved"] for i in groups[g["group"].id]["indicators"]
        ]


def test_the_xlsx_is_the_national_form(world, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "指标.xlsx"
    code, _out = run_cli("--year", str(YEAR), "--level", "province", "-o", str(path))
    assert code == 0
    book = load_workbook(path)
    sheet = book["汇总"]
    assert sheet["A1"].value == f"{YEAR}年东西部协作主要指标完成情况统计表"
    assert [c.value for c in sheet[3]] == ["序号", "指标", "单位", "协议数", "完成数", "完成率（%）"]
    rows = {str(r[1]).strip(): r for r in sheet.iter_rows(min_row=4, values_only=True)}
    sums = expected_sums(world.expected)
    assert rows["财政援助资金"][2] == "万元" and rows["财政援助资金"][4] == pytest.approx(
        float(sums["fiscal_aid"])
    )
    assert rows["其中：脱贫劳动力"][4] == pytest.approx(float(sums["labour.poverty"]))
    assert rows["劳务协作 帮助农村劳动力就业"][3] == float(world.agreements[world.top.pk]["labour"])
    assert rows["财政援助资金"][0] == 1 and rows["社会帮扶资金与捐赠款物"][0] == 2
    assert len(book.sheetnames) == 3  # 汇总 and the two provinces


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--year", "1800"], 1, "--year 1800：年份应在"),
        (["--program", "999999"], 1, "对口关系 999999 不存在"),
        (["-o", "out.csv"], 1, "out.csv：文件名应以 .xlsx 结尾"),
        (["--level", "village"], 2, "invalid choice"),
        (["--year", "abc"], 2, "invalid int value"),
    ],
)
def test_bad_input_is_one_line_and_the_right_status(db, capsys, args, status, message):
    from duikou.cli import main

    assert main(["indicators", *args]) == status
    err = capsys.readouterr().err.strip()
    assert message in err
    if status == 1:
        assert len(err.splitlines()) == 1


def test_agreement_values_are_checked_and_changes_are_logged(world):
    from duikou.core.errors import InputError
    from duikou.core.models import ChangeLog

    with pytest.raises(InputError, match="未知指标：nope"):
        save_agreement(pairing=world.top, year=YEAR, values={"nope": Decimal(1)})
    with pytest.raises(InputError, match="协议数不能为负"):
        save_agreement(pairing=world.top, year=YEAR, values={"labour": Decimal(-1)})
    save_agreement(pairing=world.top, year=YEAR, values={"labour": Decimal(4000), "talents.medical": None})
    agreement = Agreement.objects.get(pairing=world.top, year=YEAR)
    values = {v.indicator.code: v.value for v in agreement.values.select_related("indicator")}
    assert values["labour"] == 4000 and "talents.medical" not in values
    assert ChangeLog.objects.filter(object_repr__contains="劳务协作").exists()


def test_the_dashboard_loads_the_indicator_panel(world, client, make_user):
    client.force_login(make_user("leader2", perms.LEADER))
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("indicators:panel") in home
    panel = client.get(reverse("indicators:panel"), {"year": YEAR})
    sums = expected_sums(world.expected)
    cards = {r["line"].indicator.code: r["line"].achieved for r in panel.context["rows"]}
    assert cards["fiscal_aid"] == sums["fiscal_aid"] and "talents.education" not in cards
    unit = make_user("unit1", perms.UNIT_REPORTER, world.d_counties[0][0])
    client.force_login(unit)
    assert client.get(reverse("indicators:panel")).status_code == 403
    assert reverse("indicators:panel") not in client.get(reverse("web:home")).content.decode()
