"""Numbers and dates as offices write them: 万元/亿元 with separators, 2024年11月30日, periods picked or typed."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from duikou.core import money
from duikou.core.dates import cn_date
from duikou.core.periods import MONTH, QUARTER, Period, recent_periods
from duikou.targets import units


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        (Decimal("13050000"), "1,305.00万元"),
        (Decimal("750000000"), "7.50亿元"),
        (Decimal("99999999.99"), "10,000.00万元"),
        (Decimal("100000000"), "1.00亿元"),
        (0, "0.00万元"),
        (None, "—"),
    ],
)
def test_money_is_shown_in_wan_or_yi(yuan, shown):
    assert money.format_money(yuan) == shown


def test_a_column_states_its_unit_once_and_its_cells_are_bare_numbers():
    unit = money.money_unit(Decimal("30000000"), Decimal("320000000"))
    assert unit is money.YI_YUAN
    assert str(money.column_label("计划金额", unit)) == "计划金额（亿元）"
    assert money.format_amount(Decimal("30000000"), unit) == "0.30"
    assert money.money_unit(Decimal("30000000")) is money.WAN_YUAN


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [
        ("1,305.5", Decimal("13055000.00")),
        ("１３０５", Decimal("13050000.00")),
        ("1305万元", Decimal("13050000.00")),
        ("1.2亿元", Decimal("120000000.00")),
        ("3000元", Decimal("3000.00")),
        (" 0.01 ", Decimal("100.00")),
    ],
)
def test_amounts_are_typed_in_wan(typed, yuan):
    assert money.parse_wan(typed) == yuan


@pytest.mark.parametrize("typed", ["abc", "1.2.3", "NaN", "万元"])
def test_a_mistyped_amount_is_refused_in_chinese(typed):
    with pytest.raises(ValueError, match="金额应为数字"):
        money.parse_wan(typed)


def test_wan_field_cleans_to_yuan_and_shows_yuan_back_in_wan():
    field = money.WanField(label="金额")
    assert str(field.label) == "金额（万元）"
    assert field.clean("90") == Decimal("900000.00")
    assert field.prepare_value(Decimal("900000")) == "90.00"
    assert field.prepare_value("9o") == "9o"  # what was typed shows back unchanged


def test_dates_are_written_the_office_way():
    assert cn_date(dt.date(2024, 11, 30)) == "2024年11月30日"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2024年11月", "2024-11"),
        ("2024年3月份", "2024-03"),
        ("2024-11", "2024-11"),
        ("2024.1", "2024-01"),
        ("2024年第三季度", "2024-Q3"),
        ("2024年三季度", "2024-Q3"),
        ("2024年第3季度", "2024-Q3"),
        ("2024-Q3", "2024-Q3"),
        ("2024年度", "2024"),
        ("２０２４年１１月", "2024-11"),
    ],
)
def test_periods_are_typed_as_offices_write_them(typed, code):
    assert str(Period.parse(typed)) == code


def test_an_unknown_period_is_refused_with_examples():
    with pytest.raises(ValueError, match="2024年11月"):
        Period.parse("去年冬天")
    with pytest.raises(ValueError):
        Period.parse("2024年13月")


def test_the_list_of_periods_runs_back_from_today():
    months = recent_periods(MONTH, today=dt.date(2024, 2, 10), count=3)
    assert [p.label for p in months] == ["2024年2月", "2024年1月", "2023年12月"]
    assert recent_periods(QUARTER, today=dt.date(2024, 8, 1), count=1)[0].label == "2024年第三季度"


@pytest.mark.parametrize(
    ("typed", "code", "text"),
    [("人", "person", ""), ("人次", "person_time", ""), ("个", "count", ""), ("％", "percent", ""),
     ("元", "yuan", ""), ("千瓦", "other", "千瓦"), ("万元", "other", "万元")],
)  # fmt: skip
def test_typed_units_become_codes(typed, code, text):
    assert units.unit_code(typed) == (code, text)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_units_formatter_writes_each_value_as_format_quantity_does(language):
    """A page's many values in one unit are written by one formatter (its label read once): the same text as
    format_quantity and format_money, in either language, 万元 and 亿元 chosen per value."""
    from django.utils import translation

    values = [None, "", 0, 12, Decimal("3000.00"), Decimal("2.50"), Decimal("13050000"), Decimal("750000000")]
    with translation.override(language):
        for code, text in [
            ("yuan", ""),
            ("person", ""),
            ("person_time", ""),
            ("percent", ""),
            ("other", "千瓦"),
        ]:
            formatted = units.quantity_formatter(code, text)
            assert [formatted(v) for v in values] == [units.format_quantity(v, code, text) for v in values]
        figures = money.money_formatter()
        assert [figures(v) for v in values[:-1]] == [money.format_money(v) for v in values[:-1]]
        assert figures(Decimal("750000000")).startswith("7.50")


def test_a_target_reads_as_a_plan_prints_it():
    assert units.format_target(">=", 3000, "person", "", 2023) == "不少于 3,000人（2023年）"
    assert units.format_target(">=", 750000000, "yuan", "", None) == "不少于 7.50亿元"
    assert units.format_target("=", 95, "percent") == "95%"


@pytest.mark.django_db
def test_pages_show_money_in_wan_with_the_unit_in_the_header(world, client_for):
    client = client_for(world["users"]["office"])
    page = client.get("/funds/").content.decode()
    assert "计划金额（万元）" in page and "3,000.00" in page and "3,200.00" in page
    assert "30000000" not in page
    targets = client.get("/targets/").content.decode()
    assert "7.50亿元" in targets and "12人" in targets
    detail = client.get(f"/targets/{world['sales'].pk}/").content.decode()
    assert "不少于 7.50亿元（2023年）" in detail and "9,000.00万元" in detail


@pytest.mark.django_db
def test_list_exports_write_wan_as_numbers_and_dates_as_dates(world, client_for):
    client = client_for(world["users"]["office"])
    response = client.get("/funds/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert "计划金额（万元）" in header
    col = header.index("计划金额（万元）")
    values = sorted(row[col].value for row in sheet.iter_rows(min_row=2))
    assert values == [3000.0, 3200.0]
    assert sheet.cell(row=2, column=col + 1).number_format == "#,##0.00"
    targets = load_workbook(io.BytesIO(client.get("/targets/?export=xlsx").content)).active
    header = [c.value for c in targets[1]]
    rows = {r[0]: r for r in targets.iter_rows(min_row=2, values_only=True)}
    sales = rows["帮助宁夏销售农副产品"]
    assert sales[header.index("目标值")] == 75000.0 and sales[header.index("计量单位")] == "万元"


@pytest.mark.django_db
def test_report_figures_are_entered_in_wan(world, client_for):
    from duikou.reports.models import Report, TargetFigure

    client = client_for(world["users"]["mawei"])
    report = Report.objects.create(
        program=world["plan"].program, organization=world["mawei"], period="2023-08"
    )
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "万元" in page and "90000000" not in page and "9,000.00万元" in page
    allocation = world["sales"].allocations.get(organization=world["mawei"])
    person = world["person_target"].allocations.get(organization=world["mawei"])
    response = client.post(
        f"/reports/{report.pk}/",
        {"version": report.version, "summary": "", f"alloc-{allocation.pk}-value": "1,234.5",
         f"alloc-{person.pk}-value": "3"},
    )  # fmt: skip
    assert response.status_code == 302
    figure = TargetFigure.objects.get(report=report, target=world["sales"])
    assert figure.value == Decimal("12345000")
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'value="1234.50"' in page
    bad = client.post(
        f"/reports/{report.pk}/",
        {"version": report.version + 1, "summary": "", f"alloc-{allocation.pk}-value": "一千万"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "帮助宁夏销售农副产品" in text and "金额应为数字" in text and 'value="一千万"' in text


@pytest.mark.django_db
def test_start_report_takes_a_typed_period_and_keeps_it_on_error(world, client_for):
    from duikou.reports.models import Report

    client = client_for(world["users"]["mawei"])
    page = client.get("/reports/").content.decode()
    assert "---------" not in page and "请选择对口关系" in page
    assert "<datalist" in page and f"{dt.date.today().year}年{dt.date.today().month}月" in page
    program = world["plan"].program
    response = client.post("/reports/start/", {"program": program.pk, "period": "2024年11月"})
    assert response.status_code == 302
    assert Report.objects.filter(organization=world["mawei"], period="2024-11").exists()
    bad = client.post("/reports/start/", {"program": program.pk, "period": "2024年第13月"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'value="2024年第13月"' in text and "无法识别的报告期" in text
    assert f'<option value="{program.pk}" selected>' in text


@pytest.mark.django_db
def test_money_forms_take_wan_and_keep_what_was_typed(world, client_for):
    from duikou.funds.models import Transaction

    client = client_for(world["users"]["mawei"])
    page = client.get("/receipts/").content.decode()
    assert "金额（万元）" in page and "---------" not in page
    bad = client.post("/receipts/record/", {"amount": "12o", "date": "2023-08-01", "description": "第二批"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'value="12o"' in text and 'value="第二批"' in text and "金额应为数字" in text
    before = Transaction.objects.count()
    line = world["plan"].funding_lines.get(year=2023)
    line.source_organization = world["mawei"].parent
    line.save()
    office = client_for(world["users"]["office"])
    ok = office.post(
        "/receipts/record/",
        {
            "funding_line": line.pk,
            "payee": line.plan.program.recipients.first().pk,
            "amount": "120",
            "date": "2023-08-01",
        },
    )
    assert ok.status_code == 302, re.findall(r"errorlist[^>]*>([^<]*)", ok.content.decode())
    assert Transaction.objects.count() == before + 1
    assert Transaction.objects.latest("pk").amount == Decimal("1200000")
