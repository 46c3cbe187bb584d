"""The shipped catalogue and the matcher from a document's words to an indicator."""

import json

import pytest

from duikou.indicators.models import Indicator
from duikou.indicators.services import CATALOGUE_FILE, catalogue, load_catalogue, propose_indicator

REQUIRED = {
    "fiscal_aid": ("财政援助资金", "万元"),
    "social_aid": ("社会帮扶资金与捐赠款物", "万元"),
    "cadres.out": ("东部选派到西部", "人"),
    "cadres.in": ("西部选派到东部", "人"),
    "talents.education": ("教育", "人"),
    "talents.medical": ("医疗", "人"),
    "talents.agriculture": ("农技", "人"),
    "talents.other": ("其他", "人"),
    "training": ("培训", "人次"),
    "labour.poverty": ("脱贫劳动力", "人"),
    "consumption.purchase": ("采购", "万元"),
    "consumption.sales": ("帮助销售", "万元"),
    "parks": ("共建产业园区", "个"),
    "enterprises": ("引导落地企业", "个"),
    "enterprises.investment": ("实际到位投资", "万元"),
    "pairs.county": ("县", "个"),
    "pairs.town": ("乡镇", "个"),
    "pairs.village": ("村", "个"),
    "pairs.school": ("学校", "个"),
    "pairs.hospital": ("医院", "个"),
    "pairs.enterprise_village": ("企业结对帮扶村", "个"),
    "pairs.social_village": ("社会组织结对帮扶村", "个"),
    "projects": ("援建项目", "个"),
    "projects.funds": ("援建项目资金", "万元"),
}


def test_the_shipped_edition_is_in_the_database_with_every_indicator_of_the_national_form(catalogue):
    for code, (name, unit) in REQUIRED.items():
        assert (catalogue[code].name, catalogue[code].unit) == (name, unit), code
    assert catalogue["labour.poverty"].parent.code == "labour"
    assert catalogue["labour.poverty"].relation == Indicator.OF_WHICH
    assert catalogue["talents.education"].relation == Indicator.PART
    assert catalogue["pairs.village"].rollup == Indicator.DISTINCT
    shipped = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    assert {i["code"] for i in shipped["indicators"]} == set(catalogue)
    assert load_catalogue() == 0  # loading again adds nothing and keeps the office's edits


def test_a_later_edition_replaces_a_code_from_its_year_on(catalogue):
    old = catalogue["training"]
    Indicator.objects.create(
        code="training", year_from=2025, name="培训（干部和专业技术人才）", unit="人次", order=old.order
    )
    assert {i.code: i.name for i in catalogue_for(2024)}["training"] == "培训"
    assert {i.code: i.name for i in catalogue_for(2025)}["training"] == "培训（干部和专业技术人才）"
    old.year_to = 2022
    old.save()
    assert "training" not in {i.code for i in catalogue_for(2023)}
    # A year before the first edition reads the first edition.
    assert {i.code for i in catalogue_for(2018)} >= set(REQUIRED) - {"training"}


def catalogue_for(year):
    return catalogue(year)


@pytest.mark.parametrize(
    ("text", "unit", "code"),
    [
        ("2023年帮助宁夏销售农副产品7.5亿元以上", "yuan", "consumption.sales"),
        ("采购宁夏农特产品2亿元", "yuan", "consumption.purchase"),
        ("帮助宁夏3000名以上农村劳动力就业", "person", "labour"),
        ("帮助1000名以上脱贫人口在宁夏、到我市或其他地区就业", "person", "labour.poverty"),
        ("选派教师30名赴固原支教", "person", "talents.education"),
        ("选派医疗骨干20名", "person", "talents.medical"),
        ("选派农技人员10名", "person", "talents.agriculture"),
        ("选派党政干部挂职", "person", "cadres.out"),
        ("培训党政干部和专业技术人才5000人次", "person", "training"),
        ("培训党政干部和专业技术人才5000人次", "person_time", "training"),
        ("落实财政援助资金5.6亿元", "yuan", "fiscal_aid"),
        ("落实社会帮扶资金2700万元", "yuan", "social_aid"),
        ("共建产业园区3个", "count", "parks"),
        ("引导企业落地投资20家", "count", "enterprises"),
        ("招商引资实际到资额完成10亿元", "yuan", "enterprises.investment"),
        ("村企结对100个", "count", "pairs.enterprise_village"),
        ("实施援建项目50个", "count", "projects"),
        ("城镇生活污水集中处理率", "percent", None),
    ],
)
def test_the_matcher_reads_the_words_of_the_catalogue(catalogue, text, unit, code):
    found = propose_indicator(text, unit, catalogue.values())
    assert (found.code if found else None) == code


def test_the_unit_decides_between_indicators_that_share_words(catalogue):
    # 援建项目 counts projects (个) and their money (万元): the target's unit chooses.
    assert propose_indicator("援建项目资金", "yuan", catalogue.values()).code == "projects.funds"
    assert propose_indicator("援建项目", "count", catalogue.values()).code == "projects"


def test_words_the_office_adds_take_effect_and_a_broken_pattern_matches_nothing(catalogue):
    parks = catalogue["parks"]
    assert propose_indicator("建设飞地工业区2个", "count", catalogue.values()) is None
    parks.words = [*parks.words, "飞地工业区", "([broken"]
    parks.save()
    assert propose_indicator("建设飞地工业区2个", "count", catalogue_for(2023)).code == "parks"
