"""The resolver returns the organization, says it is new, or lists candidates; it never guesses."""

import pytest

from duikou.organizations.services import Resolution, create_from_resolution, resolve_organization

pytestmark = pytest.mark.django_db


def test_county_resolves_to_its_full_name(org):
    result = resolve_organization("万州区")
    assert result.status == Resolution.FOUND and result.organization.full_name == "重庆市万州区"


def test_autonomous_prefecture_and_its_province(org):
    result = resolve_organization("甘南藏族自治州")
    assert result.organization.full_name == "甘肃省甘南藏族自治州"
    assert result.organization.province.name == "甘肃省"
    assert resolve_organization("恩施自治州").organization.full_name == "湖北省恩施土家族苗族自治州"


def test_traditional_characters_resolve(org):
    assert resolve_organization("天祝藏族自治縣").organization.full_name == "甘肃省武威市天祝藏族自治县"


def test_a_new_unit_printed_in_traditional_script_is_stored_simplified(org):
    # The importer keeps an ambiguous name as printed (its suggested name); the stored name is in one script.
    for resolution in (
        Resolution("廣東省對口幫扶辦公室", Resolution.NEW),
        Resolution("廣東省對口幫扶辦公室", Resolution.AMBIGUOUS, suggested_name="廣東省對口幫扶辦公室"),
    ):
        created = create_from_resolution(resolution, parent=None)
        assert created.name == "广东省对口帮扶办公室"
        assert resolve_organization("廣東省對口幫扶辦公室").organization == created


def test_ambiguous_without_context_lists_candidates(org):
    result = resolve_organization("鼓楼区")
    assert result.status == Resolution.AMBIGUOUS and result.organization is None
    assert {"福建省福州市鼓楼区", "江苏省南京市鼓楼区"} <= {c.full_name for c in result.candidates}


def test_context_narrows_to_one(org):
    result = resolve_organization("鼓楼区", context=org("福建省福州市"))
    assert result.status == Resolution.FOUND and result.organization.full_name == "福建省福州市鼓楼区"


def test_government_wording_means_the_region(org):
    fuzhou = org("福建省福州市")
    for printed in ("马尾区区委、政府", "马尾区党工委、政府", "马尾区人民政府"):
        assert resolve_organization(printed, context=fuzhou).organization.full_name == "福建省福州市马尾区"


def test_misprinted_suffix_is_a_candidate_not_a_match(org):
    result = resolve_organization("闽侯区委、政府", context=org("福建省福州市"))
    assert result.status == Resolution.AMBIGUOUS
    assert [c.full_name for c in result.candidates] == ["福建省福州市闽侯县"]


def test_department_short_and_full_names_meet(org):
    fujian = org("福建省")
    first = resolve_organization("省科技厅", context=fujian)
    assert first.status == Resolution.NEW and first.suggested_name == "福建省科学技术厅"
    created = create_from_resolution(first, parent=fujian)
    for printed in ("科技厅", "省科技厅", "福建省科学技术厅"):
        assert resolve_organization(printed, context=fujian).organization == created
    # Another province's 科技厅 is not Fujian's.
    assert resolve_organization("省科技厅", context=org("甘肃省")).status == Resolution.NEW


def test_unknown_name_is_new(org):
    assert resolve_organization("前方工作组").status == Resolution.NEW
