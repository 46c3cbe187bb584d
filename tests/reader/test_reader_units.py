"""Responsible-unit lists: abbreviations, defined short names, 党委、政府, shared suffixes, sentence subjects."""

from duikou.reader.units import find_definitions, parse_subject, split_units


def test_abbreviated_list_inherits_prefix():
    assert split_units("省教育厅、科技厅") == ["省教育厅", "省科技厅"]


def test_groups_split_on_commas_and_drop_trailing_phrase():
    assert split_units("省委组织部，省发改委、教育厅等按职责分工落实") == [
        "省委组织部",
        "省发改委",
        "省教育厅",
    ]


def test_remark_in_brackets_is_dropped_and_institutions_keep_their_name():
    units = split_units(
        "省农业农村厅、科技厅,省农科院,福建农林大学等按职责分工落实(以下均需各设区市人民政府落实,不再列出)"
    )
    assert units == ["省农业农村厅", "省科技厅", "省农科院", "福建农林大学"]


def test_places_share_the_organ_name_of_the_last_item():
    assert split_units("福州市、厦门市、莆田市人民政府") == [
        "福州市人民政府",
        "厦门市人民政府",
        "莆田市人民政府",
    ]


def test_party_committee_and_government_is_one_unit():
    assert split_units("马尾区区委、政府 闽侯区委、政府") == ["马尾区区委、政府", "闽侯区委、政府"]


def test_bare_governments_go_one_to_each_committee():
    units = split_units("市总工会 、团委，马尾区党委、马尾区妇联、闽侯县委、福清市党委、政府、政府、政府")
    assert units == [
        "市总工会",
        "市团委",
        "马尾区党委、政府",
        "马尾区妇联",
        "闽侯县委、政府",
        "福清市党委、政府",
    ]


def test_defined_short_name_is_expanded():
    text = "中央西藏工作协调小组经济社会发展专项工作小组(以下简称经济社会发展组)负责指导。"
    definitions = find_definitions(text)
    assert definitions == {"经济社会发展组": "中央西藏工作协调小组经济社会发展专项工作小组"}
    assert split_units("经济社会发展组、省发改委", definitions) == [
        "中央西藏工作协调小组经济社会发展专项工作小组",
        "省发改委",
    ]


def test_subject_of_sentence_with_several_provinces():
    assert parse_subject("支援省(市)和四川、云南、甘肃三省政府要建立工作机制", {}) == [
        "四川省",
        "云南省",
        "甘肃省",
    ]


def test_subject_stops_before_the_verb_phrase():
    assert parse_subject("省商务厅在推进区域合作中,要将受援区作为重点", {}) == ["省商务厅"]
    assert parse_subject("天津市、上海市和浙江省要按照要求", {}) == ["天津市", "上海市", "浙江省"]


def test_generic_subjects_are_not_units():
    assert parse_subject("省直有关部门要结合自身职能", {}) == []
    assert parse_subject("有关市州和经济开发区要发挥优势", {}) == []
    assert parse_subject("受援县区政府要将工作纳入议事日程", {}) == []
