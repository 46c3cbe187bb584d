"""Amounts and quantities: Arabic, Chinese and mixed numerals, ranges, units."""

import pytest

from duikou.reader.numbers import find_quantities, format_yuan, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一千二百五十万元", [(12_500_000, "yuan")]),
        ("7.5亿元以上", [(750_000_000, "yuan")]),
        ("1250万元", [(12_500_000, "yuan")]),
        ("3000名以上农村劳动力", [(3000, "person")]),
        ("培训8000人次", [(8000, "person")]),
        ("选派干部20人、培训干部500人次", [(20, "person"), (500, "person")]),
        ("引进项目80个以上", [(80, "count")]),
        ("一所县级职教中心", [(1, "count")]),
        ("覆盖率达到50%以上", [(50, "percent")]),
        ("百分之九十五", [(95, "percent")]),
        ("新增500亩茶园", [(500, "亩")]),
    ],
)
def test_quantities_value_and_unit(text, expected):
    assert [(q.value, q.unit) for q in find_quantities(text)] == expected


def test_range_keeps_both_bounds():
    (quantity,) = find_quantities("支持1—2个社区卫生服务中心建设")
    assert (quantity.value, quantity.upper, quantity.unit) == (1, 2, "count")


def test_range_lower_bound_borrows_magnitude():
    (quantity,) = find_quantities("投入5—8亿元")
    assert (quantity.value, quantity.upper) == (500_000_000, 800_000_000)


@pytest.mark.parametrize(
    "text", ["帮扶时限6个月以上", "万名医师支援农村卫生工程", "百万头生态猪", "2023年", "13799340379"]
)
def test_not_quantities(text):
    assert find_quantities(text) == []


def test_bare_wan_is_reported_as_money_word():
    (quantity,) = find_quantities("各300万。")
    assert (quantity.value, quantity.printed_unit, quantity.unit) == (3_000_000, "万", "yuan")


def test_parse_number_through_cn2an():
    assert parse_number("二〇二二") == 2022
    assert parse_number("1.33亿") == 133_000_000
    assert parse_number("不是数字") is None


def test_format_yuan():
    assert format_yuan(64_700_000) == "6470万元"
    assert format_yuan(750_000_000) == "7.5亿元"
    assert format_yuan(1234) == "1234元"
    assert format_yuan(64_700_000, "en") == "64,700,000 yuan"


def test_person_times_count_as_people_in_the_plan_and_are_stored_as_attendances():
    """The plan format counts 人次 as person; the target keeps the printed 人次, which the application stores as
    person_time, never added to a head count."""
    from duikou.reader import extract_text
    from duikou.targets.units import PERSON, PERSON_TIME, item_unit

    (quantity,) = find_quantities("全年接待游客290万人次")
    assert (quantity.value, quantity.unit, quantity.printed_unit) == (2_900_000, "person", "人次")
    targets = extract_text("一、目标\n到2025年，选派干部20人，培训干部500人次。\n")["targets"]
    by_value = {t["value"]: t for t in targets}
    assert by_value[500]["unit"] == by_value[20]["unit"] == "person"
    assert item_unit(by_value[500]) == (PERSON_TIME, "") and item_unit(by_value[20]) == (PERSON, "")
