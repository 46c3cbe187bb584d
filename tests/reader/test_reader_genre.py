"""The genre's conventions, each a rule tried on small texts written in at least two documents' styles."""

import pytest

from duikou.reader import check_plan, extract_text, format_findings
from duikou.reader.findings import numbering_jumps
from duikou.reader.tasks import due_date, trailing_unit_run
from duikou.reader.text import build_document, unflatten


def _tasks(text):
    return [
        (t["path"], t["lead_units"], t["support_units"], t["deadline"], t["due"])
        for t in extract_text(text)["tasks"]
    ]


# --- pages flattened onto one line ---------------------------------------------------------------------------

ARCHIVED = (
    "当前位置： 首页政务公开 某区管委会办公室关于印发某区新污染物治理工作方案的通知 时间：2023-03-30 15:53 微信 "
    "各相关单位： 《某区新污染物治理工作方案》已经同意，现印发给你们，请认真组织实施。 某区管委会办公室 "
    "2023年3月30日某区新污染物治理工作方案 为切实保障生态环境安全，制定本工作方案。 一、总体要求 全面贯彻落实，"
    + "健全新污染物调查监测、筛查评估、管控治理体系，统筹推动大气、水、土壤多环境介质协同治理。"
    * 8
    + " 二、重点任务 （一）开展调查监测 1.落实环境信息调查。2023年底前完成首轮调查。"
    "（区资源生态局牵头负责;各片区负责配合落实，以下均需各片区配合落实，不再列出） 2.开展环境调查监测。制定实施方案。"
    "2025年底前，初步建立监测体系。（区资源生态局牵头负责） （二）严格源头管控 3.规范环境管理登记。严格执行登记办法，"
    "督促企业落实主体责任，加强监督执法检查。（区资源生态局牵头，区经发局、区农业农村局，某海关等按职责分工负责） "
    "来源：某区自然资源与生态环境局"
)
GLUED_TABLE = (
    "附件2022年全区政务公开工作主要任务分解表工作任务工作要求牵头单位配合/责任单位一、加强涉及市场主体的信息公开"
    "1.增强政策制定实施的透明度和可预期性，提振市场主体信心，持续打造市场化法治化国际化营商环境。 区直各有关单位，"
    "各区属事业单位，各片区管理局、各乡镇人民政府（街道办事处）2.建立市场主体反映投资和工程建设项目审批问题的办理和反馈机制，"
    "及时回应和解决问题，推动优化投资和建设环境。区经济发展局区行政审批局区直各有关单位，各区属事业单位，各片区管理局"
    "二、加强涉及减税降费的信息公开3.系统集成、智能推送已出台各项减税降费政策特别是大规模增值税留抵退税政策，帮助纳税人"
    "第一时间全面准确了解政策。区财政金融局区直各有关单位，各区属事业单位，各片区管理局、各乡镇人民政府（街道办事处）"
    "4.加强统筹，为行政机关办理政务服务事项、编制各类权责清单提供基本依据，方便社会公众全面了解各项制度规定。"
    + "各政府信息公开工作部门要以完整准确、动态更新的现行有效制度体系为依据。"
    * 8
)


def test_archived_page_with_spaces_splits_into_items_and_reads_brackets():
    assert len(ARCHIVED) > 600 and "\n" not in ARCHIVED
    plan = extract_text(ARCHIVED)
    assert plan["title"] == "某区新污染物治理工作方案" and plan["issued_on"] == "2023-03-30"
    assert plan["notice_title"] == "某区管委会办公室关于印发某区新污染物治理工作方案的通知"
    tasks = _tasks(ARCHIVED)
    assert tasks[0] == (["二", "(一)", "1"], ["区资源生态局"], [], "2023年底前", "2023-12-31")
    assert tasks[1] == (["二", "(一)", "2"], ["区资源生态局"], [], "2025年底前", "2025-12-31")
    assert tasks[2] == (
        ["二", "(二)", "3"],
        ["区资源生态局"],
        ["区经发局", "区农业农村局", "某海关"],
        None,
        None,
    )


def test_glued_task_table_splits_items_and_reads_unit_cells_after_the_last_full_stop():
    tasks = _tasks(GLUED_TABLE)
    assert [t[0] for t in tasks] == [["一", "1"], ["一", "2"], ["二", "3"], ["二", "4"]]
    # classes of units are dropped, classes of governments kept (each answers for the work)
    township = "各乡镇人民政府(街道办事处)"
    assert [t[1] for t in tasks] == [
        [township],
        ["区经济发展局", "区行政审批局"],
        ["区财政金融局", township],
        [],
    ]


def test_short_lines_and_prose_numbers_are_not_split():
    line = "坚持统一、规范、高效的原则，" * 50 + "第1.5期工程按2.5%比例推进。"
    assert unflatten(line) == [line]
    assert unflatten("一、总体要求二、重点任务") == [
        "一、总体要求二、重点任务"
    ]  # short: an ordinary heading line


# --- responsibility notes ------------------------------------------------------------------------------------

STATE_COUNCIL = """国务院关于促进某区域发展的若干意见
国发〔2019〕3号
各省、自治区、直辖市人民政府：
一、主要任务
1.拓展两个市场。推广一般纳税人资格试点。（税务总局、财政部、海关总署负责，列第一位者为牵头单位，下同）
2.提前适用政策。可享受税收政策。（海关总署、财政部负责）
3.促进内销便利。便利企业内销。（商务部、海关总署等有关部门负责）
4.建设创新高地。支持研发机构发展。（国家发展改革委会同有关部门负责）
5.改善消费条件。推进场馆改造。（体育总局、教育部负责）完善公共安全服务。（公安部、应急部负责）
"""
NEA_STYLE = """某局2022年定点帮扶和对口支援工作要点
一、协调推动基础设施建设
（一）持续提升供电保障能力。加快重点工程建设。〔新能源司、电力司，华中能源监管局〕
（二）协调推动天然气项目建设。推动分输站开口，2022年底前通气供气。〔油气司〕
（三）动员社会帮扶。协调动员社会力量。〔规划司牵头，局内各单位参与〕
（四）持续开展党支部结对共建。加强联系互动。〔机关党委（人事司），有结对任务的单位〕
"""
FREE_TRADE = """国务院关于支持某试验区深化改革创新若干措施的通知
一、营造优良投资环境
（一）放宽人才中介机构限制。（负责部门：人力资源社会保障部、商务部；适用范围：所有试验区，以下除标注外适用范围均为所有试验区）
（二）探索石油储备模式。（负责部门：发展改革委、粮食和储备局，适用范围：浙江试验区）
（三）开展人民币业务。（负责部门：人民银行等部门）
"""


def test_first_listed_leads_and_xiatong_carries_forward():
    tasks = _tasks(STATE_COUNCIL)
    assert tasks[0][1:3] == (["税务总局"], ["财政部", "海关总署"])
    assert tasks[1][1:3] == (["海关总署"], ["财政部"])  # 下同: the rule holds for later notes
    assert tasks[2][1:3] == (["商务部"], ["海关总署"])
    assert tasks[3][1:3] == (["国家发展改革委"], [])  # 会同有关部门: a class of units, not named
    assert tasks[4][1:3] == (["体育总局", "公安部"], ["教育部", "应急部"])  # two notes, each led by its first


def test_square_brackets_bare_lists_and_nested_names():
    tasks = _tasks(NEA_STYLE)
    assert tasks[0][1] == ["新能源司", "电力司", "华中能源监管局"]
    assert tasks[1][1:4] == (["油气司"], [], "2022年底前")
    assert tasks[2][1:3] == (["规划司"], [])  # 局内各单位参与: a class, dropped
    assert tasks[3][1] == ["机关党委(人事司)"]


def test_labelled_notes_with_ignored_scope():
    tasks = _tasks(FREE_TRADE)
    assert tasks[0][1] == ["人力资源社会保障部", "商务部"]
    assert tasks[1][1] == ["发展改革委", "粮食和储备局"]
    assert tasks[2][1] == ["人民银行"]
    assert "适用范围" not in extract_text(FREE_TRADE)["tasks"][0]["text"]


def test_label_runs_in_any_order_roles_and_deadline_forms():
    text = """某省对口支援工作要点
一、重点任务
1.推进产业合作。牵头单位：省发展改革委 完成时限：2020年6月底 配合单位：省商务厅、科技厅
2.开展人才交流。完成时限：长期坚持；实施单位：某市人民政府；承办单位：某县人社局
3.加强宣传。省委宣传部牵头，省广电局配合。甲工作于2021年3月底前完成，乙工作于2021年9月底前完成。
4.推进示范。（责任单位：区经济发展局、人民银行某支行、区直各相关单位）
"""
    tasks = _tasks(text)
    assert tasks[0] == (["一", "1"], ["省发展改革委"], ["省商务厅", "省科技厅"], "2020年6月底", "2020-06-30")
    assert tasks[1] == (["一", "2"], ["某市人民政府", "某县人社局"], [], "长期坚持", None)
    assert tasks[2] == (
        ["一", "3"],
        ["省委宣传部"],
        ["省广电局"],
        "2021年3月底前；2021年9月底前",
        "2021-09-30",
    )
    assert tasks[3][1] == ["区经济发展局", "区人民银行某支行"]


@pytest.mark.parametrize(
    ("deadline", "year", "due"),
    [("2020年6月底", None, "2020-06-30"), ("11月底前", 2023, "2023-11-30"), ("常态化推进", 2023, None),
     ("上半年", 2016, "2016-06-30"), ("第二季度", 2016, "2016-06-30")],
)  # fmt: skip
def test_due_dates(deadline, year, due):
    assert due_date(deadline, year) == due


def test_prose_deadlines_from_two_styles():
    text = """某方案
一、工作措施
1.摸底排查。该项工作于2019年4月底前完成。
2.全面整改。已建成的原则上于2019年6月底前完成；需要补建的于2020年12月底前完成项目竣工验收。
3.建设景区。上半年完成坛南湾配套设施建设，力争第二季度开工建设。
4.定期报告。各部门于每年2月底前报送。
"""
    tasks = _tasks(text)
    assert [t[3] for t in tasks] == [
        "2019年4月底前",
        "2019年6月底前；2020年12月底前",
        "上半年；第二季度",
        None,
    ]
    assert tasks[1][4] == "2020-12-31"


# --- tables ----------------------------------------------------------------------------------------------------


def test_task_table_with_points_column_and_lead_column_variants():
    text = """某县2023年东西部协作重点工作任务分工方案
序号\t任务\t牵头单位\t完成时限\t分值
1\t劳务协作\t县人社局、农业农村局\t11月底前\t10
2\t消费帮扶\t县商务局\t全年\t8
"""
    tasks = _tasks(text)
    assert tasks == [
        (["1"], ["县人社局", "县农业农村局"], [], "11月底前", "2023-11-30"),
        (["2"], ["县商务局"], [], "全年", None),
    ]
    guided = "序号\t改革举措\t主要内容\t指导部门\t推广范围\n1\t知识产权质押\t推广质押融资\t银保监会、知识产权局\t全国\n"
    assert _tasks(guided)[0][1] == ["银保监会", "知识产权局"]


# --- pairings --------------------------------------------------------------------------------------------------


def test_pairings_in_prose_and_in_a_one_sided_table():
    prose = extract_text("某协作方案\n福州市与定西市结对。厦门市对口支援临夏回族自治州和甘南藏族自治州。\n")[
        "pairings"
    ]
    assert prose == [
        {"donor": "福州市", "recipient": "定西市"},
        {"donor": "厦门市", "recipient": "临夏回族自治州"},
        {"donor": "厦门市", "recipient": "甘南藏族自治州"},
    ]
    table = "浙江省对口支援四川省工作方案\n序号\t受援县\t援派名额\n1\t甘孜县\t30\n2\t理塘县\t12\n合计\t\t42\n"
    assert extract_text(table)["pairings"] == [
        {"donor": "浙江省", "recipient": "甘孜县"},
        {"donor": "浙江省", "recipient": "理塘县"},
    ]


# --- numbering ---------------------------------------------------------------------------------------------------


def test_numbering_that_starts_in_the_middle_or_runs_inline():
    excerpt = (
        "某意见（节选）\n（七）加快建设。推进项目。\n（八）加强监管。严格执法。\n（九）做好宣传。加强解读。\n"
    )
    assert [t[0] for t in _tasks(excerpt)] == [["(七)"], ["(八)"], ["(九)"]]
    lone = "某意见\n（七）这是正文里的一处引用。\n"
    assert _tasks(lone) == []


# --- targets -----------------------------------------------------------------------------------------------------


def test_thresholds_and_rules_are_not_targets_and_comparators_follow_the_words():
    text = """某方案
一、目标
到2025年，体育竞赛表演产业总规模达到2万亿元，将蓝绿空间占比稳定在70%，远景开发强度控制在30%。
二、政策
（一）对职工人数100人（含）以下的企业给予补贴，最高500万元。
（二）以农民人均可支配收入低于3310元为标准，按7%予以贴息。
（三）允许不超过五分之一的人员担任股东，最多不超过六批。
（四）担保费率不超过1%，再担保比例不超过60%。
"""
    targets = {(t["value"], t["unit"]): t["comparator"] for t in extract_text(text)["targets"]}
    assert targets[(2000000000000, "yuan")] == ">="
    assert targets[(70, "percent")] == "=" and targets[(30, "percent")] == "<="
    assert targets[(1, "percent")] == "<=" and targets[(60, "percent")] == "<="
    for rule in [(100, "person"), (5000000, "yuan"), (3310, "yuan"), (7, "percent"), (6, "count")]:
        assert rule not in targets


# --- header ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "issuer", "period"),
    [
        ("国务院关于促进综合保税区\n高水平开放高质量发展的若干意见\n国发〔2019〕3号\n各省人民政府：\n",
         "国务院关于促进综合保税区高水平开放高质量发展的若干意见", "国务院", None),
        ("标题: 印发《关于加快推进精准扶贫的工作方案》的通知\n某区管委会印发关于加快推进精准扶贫的工作方案的通知\n",
         "关于加快推进精准扶贫的工作方案", "某区管委会", None),
        ("关于印发某区社会信用体系建设规划（2015-2020）任务分工实施方案的通知\n",
         "某区社会信用体系建设规划(2015-2020)任务分工实施方案", None, (2015, 2020)),
        ("近日国家能源局印发2022年乡村振兴定点帮扶和对口支援工作要点的通知。文件提出，持续推进。\n",
         "2022年乡村振兴定点帮扶和对口支援工作要点", "国家能源局", (2022, 2022)),
        ("国家发展改革委 国家能源局关于印发《农村电网巩固提升工程实施方案（2021—2023年）》的通知\n",
         "农村电网巩固提升工程实施方案(2021—2023年)", "国家发展改革委、国家能源局", (2021, 2023)),
        ("安徽省工业互联网创新发展行动计划（2021-2023年）\n", "安徽省工业互联网创新发展行动计划(2021-2023年)", None, (2021, 2023)),
        ("某省对口支援工作规划\n从2016年到2020年，持续推进对口支援。\n", "某省对口支援工作规划", None, (2016, 2020)),
    ],
)  # fmt: skip
def test_titles_issuers_and_periods(text, title, issuer, period):
    plan = extract_text(text)
    assert plan["title"] == title
    assert plan["issuer"] == issuer
    assert (plan["period"] and (plan["period"]["start_year"], plan["period"]["end_year"])) == (period or None)


def test_joint_signature_and_a_wrapped_single_signature():
    joint = "某方案\n一、任务\n1.推进。\n国家发展改革委\n国家能源局\n2021年3月1日\n"
    assert extract_text(joint)["issuer"] == "国家发展改革委、国家能源局"
    wrapped = (
        "某方案\n一、任务\n1.推进。\n中共福州市委扶贫开发成果巩固与乡村振兴\n工作领导小组\n2023年7月3日\n"
    )
    assert extract_text(wrapped)["issuer"] == "中共福州市委扶贫开发成果巩固与乡村振兴工作领导小组"


# --- findings ------------------------------------------------------------------------------------------------------


def test_findings_name_what_is_uncertain_next_to_the_items():
    text = """某方案
一、重点任务
1.推进产业合作。（省发展改革委负责）
2.开展人才交流。加强培训。
二、保障措施
3.加强领导。某某某某推进。
五、其他
4.加强宣传。（责任单位：加强宣传工作）
"""
    plan = extract_text(text)
    codes = {f["code"]: f for f in plan["findings"]}
    assert (
        "从二跳到五" in codes["numbering_jump"]["message"] and "三、四" in codes["numbering_jump"]["message"]
    )
    assert codes["task_without_unit"]["where"] == "一/2、二/3"
    assert codes["ambiguous_unit"]["where"] == "二/4"  # 五 after 二 is read as prose, so 4 stays under 二
    shown = format_findings(check_plan(plan))
    assert "编号从二跳到五" in shown and "项任务没有读到责任单位" in shown
    # an office's correction clears a finding the plan itself shows, not one only the source shows
    for task in plan["tasks"]:
        task["lead_units"] = task["lead_units"] or ["省人社厅"]
    kinds = {f["kind"] for f in check_plan(plan)}
    assert "numbering_jump" in kinds and "task_without_unit" not in kinds


def test_table_without_unit_column_is_a_finding_and_exported_plans_get_none():
    plan = extract_text("某方案\n序号\t工作任务\t完成时限\n1\t推进合作\t6月底前\n")
    assert [f["code"] for f in plan["findings"]][:1] == ["table_without_units"]
    exported = {k: v for k, v in plan.items() if k != "findings"}
    assert all(f["kind"] not in ("table_without_units", "task_without_unit") for f in check_plan(exported))


def test_numbering_jumps_ignore_restarts_and_runs():
    lines = build_document(["一、甲", "（一）a", "（二）b", "二、乙", "（一）c", "（三）d", "三、丙"]).lines
    found = numbering_jumps(lines)
    assert len(found) == 1 and "（一）跳到（三）" in found[0]["message"]


# --- who carries the work when no note says it ---------------------------------------------------------------


def test_units_from_prose_parents_and_glued_headings():
    letter = """国务院办公厅关于某省所提问题和建议办理情况的函
一、关于支持堤防建设问题。你省请求加大投资。
发展改革委会同水利部研究提出了办理意见。
（一）关于加大投资比例问题。2004年将认真研究，给予适当支持。
（二）关于可研报告批复问题。在规划完成后再研究审批。
二、关于主辅分离问题。你省请求补助。
国资委会同财政部、劳动保障部提出了办理意见：不存在补助问题。
"""
    tasks = _tasks(letter)
    assert [t[1:3] for t in tasks] == [
        (["发展改革委"], ["水利部"]),
        (["发展改革委"], ["水利部"]),  # the parent's answer covers its items
        (["国资委"], ["财政部", "劳动保障部"]),
    ]
    flattened = "某区2016年度旅游工作要点\n一、推动《建设方案》获批由区经济发展局牵头，成立专门班子，争取尽早批复。\n二、组织评审\n"
    assert _tasks(flattened)[0][1] == ["区经济发展局"]
    approval = """某方案
一、工作进度
（一）开展考核评估。国务院办公厅将于2020年4月底前组织验收。
（二）加强规划实施。河北省委和省政府要切实履行主体责任。
（三）建设平台。试点地区要认真组织实施，城镇小区要依标配建，由教育部等部门负责同志组成工作组。
"""
    tasks = _tasks(approval)
    assert tasks[0][1] == ["国务院办公厅"] and tasks[0][3] == "2020年4月底前"
    assert tasks[1][1] == ["河北省委", "河北省政府"]
    assert tasks[2][1] == []  # kinds of area and 负责同志 name no unit


def test_closing_paragraphs_and_closing_sections_are_not_tasks():
    notice = """国务院办公厅关于加大激励支持力度的通知
一、对成效显著的市，优先纳入试点。（市场监管总局负责）
二、对外贸稳定增长的省，给予优先支持。（商务部负责）
三、对督查表扬的县，实行免督查。（国务院办公厅负责）
各有关部门要认真组织实施，于2018年12月31日前报送国务院办公厅。
"""
    tasks = _tasks(notice)
    assert tasks[-1] == (["三"], ["国务院办公厅"], [], None, None)
    opinion = """国务院关于促进某区发展的若干意见
一、主要任务
（一）打造中心。
1.拓展市场。推广试点。（税务总局负责）
2.提前适用政策。享受政策。（海关总署负责）
二、有关要求
海关总署要继续做好牵头工作。
"""
    assert [t[0] for t in _tasks(opinion)] == [["一", "(一)", "1"], ["一", "(一)", "2"]]
    long_measure = "某方案\n一、主要措施\n（一）允许银行将交易凭证替代贸易合同，作为贸易真实性审核依据。（负责部门：银保监会）\n"
    assert _tasks(long_measure)[0][1] == ["银保监会"]


def test_division_of_duties_by_department_headings():
    text = """某区综合防控近视工作实施方案
一、工作目标到2023年，力争近视率每年降低。
二、职责分工
（一）区党群工作部按照部署落实职称评审政策。
（二）区财政金融局全区近视防控专项经费列入年度部门预算。
（三）区社会事业局
1.认真贯彻落实学校卫生工作条例。
2.组建专家队伍，科学指导近视防治工作。
（四）学校
1.加强视力健康管理。每个学校至少配备1名兼职视力健康员，确保一人一档，每学期不少于2次视力监测。
"""
    tasks = _tasks(text)
    assert [t[0] for t in tasks][0] == ["二", "(一)"]  # 工作目标到2023年… is framing, run together or not
    assert [t[1] for t in tasks] == [
        ["区党群工作部"],
        ["区财政金融局"],
        ["区社会事业局"],
        ["区社会事业局"],
        [],
    ]
    targets = [(t["value"], t["unit"], t["comparator"]) for t in extract_text(text)["targets"]]
    assert targets == [(1, "person", ">=")]  # a minimum for each school; 一人一档 and a frequency are not


# --- rules found on the held-out corpus answers (tests/corpus/gold/README.md) ------------------------------


@pytest.mark.parametrize(
    ("text", "title", "issuer"),
    [
        (
            "国务院办公厅关于印发“无废城市”建设试点工作方案的通知\n国办发〔2018〕128号\n"
            "《“无废城市”建设试点工作方案》已经国务院同意，现印发给你们。\n国务院办公厅\n2018年12月29日\n",
            "“无废城市”建设试点工作方案",
            "国务院办公厅",
        ),
        (
            "标题: 关于印发“互联网+政务服务”推进方案的通知\n发布机构: 某某门户网\n"
            "各单位：现将方案印发给你们，请遵照执行。 某县人民政府办公室 2020年5月6日\n",
            "“互联网+政务服务”推进方案",
            "某县人民政府办公室",
        ),
    ],
)
def test_a_quote_opening_the_title_stays_and_a_website_label_is_no_issuer(text, title, issuer):
    plan = extract_text(text)
    assert (plan["title"], plan["issuer"]) == (title, issuer)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "某省人民政府办公厅关于印发某省数字经济行动计划(2021—2023年)的通知\n"
            "某省人民政府办公厅关于印发某省数字经济行动计划（2021-2023年）的通知\n正文",
            "某省数字经济行动计划(2021-2023年)",
        ),
        (
            "标题: 关于印发某区信用体系建设规划（2016-2020）任务分工方案的通知\n"
            "某区管委会办公室 2016年5月1日 某区信用体系建设规划（2016-2020年）任务分工方案 为贯彻落实…",
            "某区信用体系建设规划(2016-2020年)任务分工方案",
        ),
    ],
)
def test_the_title_as_the_document_prints_it_further_down(text, title):
    assert extract_text(text)["title"] == title


def test_a_measure_heading_ending_like_a_framing_word_is_a_task():
    guarantee = (
        "关于支持小微企业融资担保的意见\n一、总体要求\n（一）指导思想。坚持稳中求进。\n（二）基本原则。聚焦主业。\n"
        "二、聚焦主业\n（三）明确支持范围。合理界定服务对象。\n（四）营造发展环境。打击逃废债行为。\n"
    )
    enforcement = (
        "关于推行审核制度的指导意见\n一、总体要求\n（一）工作目标。全面推行。\n二、推行审核制度\n"
        "（二）明确审核范围。凡涉及重大公共利益的都要审核。\n（三）规范审核程序。按程序审核。\n"
    )
    assert [t[0] for t in _tasks(guarantee)] == [["二", "(三)"], ["二", "(四)"]]
    assert [t[0] for t in _tasks(enforcement)] == [["二", "(二)"], ["二", "(三)"]]


def test_a_table_names_items_by_its_measure_column_under_section_rows():
    reforms = (
        "附件\n推广清单\n序号\t改革举措\t主 要 内 容\t指导部门\t推广范围\n一、知识产权方面（共2项）\n"
        "1\t专利保险机制\t开发专利保险产品，降低侵权损失。\t国家知识产权局、银保监会\t全国\n"
        "2\t技术调查官制度\t法院审理案件时引入技术调查官。\t最高人民法院\t全国\n二、金融创新方面（共1项）\n"
        "3\t商标质押贷款模式\t简化质押登记流程。\t人民银行\t8个改革试验区域\n"
    )
    duties = (
        "某市重点工作任务分解表\n序号\t工作事项\t具体内容\t责任单位\t完成时限\n（一）营商环境\n"
        "1\t一网通办\t推行网上受理、网上审批。\t市政务服务局\t2020年6月底\n（二）民生保障\n"
        "2\t老旧小区改造\t改造老旧小区30个。\t市住建局、市财政局\t2020年底\n"
    )
    plan = extract_text(reforms)
    assert [(t["path"], t["title"], t["lead_units"]) for t in plan["tasks"]] == [
        (["一", "1"], "专利保险机制", ["国家知识产权局", "银保监会"]),
        (["一", "2"], "技术调查官制度", ["最高人民法院"]),
        (["二", "3"], "商标质押贷款模式", ["人民银行"]),
    ]
    assert plan["targets"] == []  # （共2项） and 8个改革试验区域 count what is listed, they commit to nothing
    tasks = extract_text(duties)["tasks"]
    assert [(t["path"], t["title"], t["deadline"]) for t in tasks] == [
        (["(一)", "1"], "一网通办", "2020年6月底"),
        (["(二)", "2"], "老旧小区改造", "2020年底"),
    ]


def test_units_in_replies_and_in_clauses_of_prose():
    reply = """国务院办公厅关于某省所提问题和建议办理情况的函
一、关于石化项目问题。某市请求，拟投资400亿元建设炼油项目。
发展改革委会同有关部门研究提出：已委托咨询公司评估论证。
二、关于电力建设问题。你省请求加大支持力度。
发展改革委提出了以下意见：
（一）你省的电力发展应纳入区域电网统筹考虑。
（二）扩建工程需进一步研究煤炭来源问题。
三、关于水淹区群众生产生活问题。扶贫办已会同交通部、水利部等部门赴该市进行了实地调查。
四、关于期货品种问题。证监会意见：时机已经成熟。
"""
    opinion = """关于推进数据专区建设的指导意见
一、建立管理体系
（一）明确监管职责。市大数据工作推进小组负责总体指导，市大数据工作推进小组办公室负责组织推进。
（二）落实运营责任。运营单位作为专区运营主体，负责建设运营。
二、保障措施
（一）组织考核评估。市经济和信息化局统筹制定考核指标体系，定期组织评估。
（二）加强试点推广。由市经济和信息化局会同专区监管部门组织做好试点示范。
（三）明确部门职责。市医保局承担制定方案的职责；市药监局负责质量认定。
（四）营造良好氛围。营造全社会共同参与的良好氛围。健全行业协会自律机制。
"""
    assert [(t[0], t[1], t[2]) for t in _tasks(reply)] == [
        (["一"], ["发展改革委"], []),
        (["二", "(一)"], ["发展改革委"], []),
        (["二", "(二)"], ["发展改革委"], []),
        (["三"], ["扶贫办"], ["交通部", "水利部"]),
        (["四"], ["证监会"], []),
    ]
    assert extract_text(reply)["targets"] == []  # what the province asked for is not the plan's commitment
    assert [(t[0], t[1] + t[2]) for t in _tasks(opinion)] == [
        (["一", "(一)"], ["市大数据工作推进小组", "市大数据工作推进小组办公室"]),
        (["一", "(二)"], []),  # 运营单位: a role any company may hold
        (["二", "(一)"], ["市经济和信息化局"]),
        (["二", "(二)"], ["市经济和信息化局"]),
        (["二", "(三)"], ["市医保局", "市药监局"]),
        (["二", "(四)"], []),  # a clause opening with a verb names no unit
    ]


def test_the_documents_closing_words_are_not_its_last_items():
    opinion = (
        "关于全面推行某制度的指导意见\n一、保障措施\n（一）加强组织领导。各地要加强领导。\n"
        "（二）保障经费投入。要建立经费保障机制。\n（三）加强队伍建设。要提升执法人员素养。\n"
        "各地区、各部门要于2019年3月底前制定实施方案，并报司法部备案。司法部要加强指导协调。\n国务院办公厅\n2018年12月5日\n"
    )
    guidance = (
        "关于发挥担保基金作用的指导意见\n八、优化考核机制\n（二十五）实施差异化监管。加强跟踪监测。\n"
        "（二十六）健全考核激励。提高考核权重。\n（二十七）完善绩效评价。研究制定考核办法。\n"
        "各地区、各部门要抓好组织实施。财政部要会同发展改革委、银保监会等部门加强统筹协调。\n"
    )
    for text in (opinion, guidance):
        last = _tasks(text)[-1]
        assert last[1:4] == ([], [], None), last


def test_a_unit_left_out_of_later_notes_is_carried_to_them():
    pilot = (
        "某试点工作方案\n二、主要任务\n（一）强化顶层设计。建立指标体系。（生态环境部牵头，统计局参与）"
        "建立责任清单。（生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出）\n"
        "（二）推行绿色生产。提高综合利用率。（农业农村部指导）\n（三）践行绿色生活。推动垃圾减量。（住房城乡建设部指导）\n"
    )
    county = (
        "某市乡村振兴工作要点\n一、重点任务\n1.发展特色产业。培育龙头企业。（市农业农村局牵头，各县区人民政府配合落实。"
        "以下均由各县区人民政府配合落实，不再列出）\n2.改善人居环境。推进厕所革命。（市住建局牵头）\n"
    )
    tasks = _tasks(pilot)
    assert tasks[1][1:3] == (["农业农村部", "试点城市政府"], [])
    assert tasks[2][1:3] == (["住房城乡建设部", "试点城市政府"], [])
    assert _tasks(county)[1][1:3] == (["市住建局"], ["各县区人民政府"])


def test_a_year_half_opening_a_clause_is_a_deadline():
    pilot = "某工作方案\n三、实施步骤\n（一）制定实施方案。试点城市编制方案。2019年上半年，试点城市政府印发实施方案。\n"
    county = "某县工作要点\n一、重点任务\n1.完成规划编制。2021年下半年，县发展改革局完成规划报批。\n"
    assert _tasks(pilot)[0][3:] == ("2019年上半年", "2019-06-30")
    assert _tasks(county)[0][3:] == ("2021年下半年", "2021-12-31")


@pytest.mark.parametrize(
    "sentence",
    [
        "选择北京、天津、上海、重庆、西安5个城市开展试点",
        "入围生产企业为2家的，采取议价采购的方式",
        "对单户担保金额500万元及以下、担保费率不超过1%的业务给予适当担保费补贴",
        "对省级示范企业分别给予一次性奖补50万元、100万元、150万元",
        "联合办公室由试点城市各派1名代表组成",
        "项目原估算总投资5亿元，后调整约为8.5亿元",
        "对你省近期上报的45个项目，发展改革委正抓紧组织研究",
        "科技创新方面4项：科技成果权属改革；技术经理人制度",
        "合作机构支小支农担保金额占比不得低于80%",
        "每个园区入驻企业不得少于20家",
        "对单户担保金额500万元以上的小微企业，担保费率适当下调",
        "对年营业收入2000万元以下的企业免收服务费",
        "监测体系发挥了作用，汛期成功预警16处滑坡",
        "通过对接会，成功引进企业12家",
        "原则上每5年修订1次专业目录",
        "每3年修订1次教材",
        "在生均拨款水平达到12000元的基础上逐步提高拨款水平",
        "援助资金在2020年安排1250万元的基础上不降低",
    ],
)
def test_lists_conditions_subsidies_and_what_others_asked_are_not_targets(sentence):
    plan = extract_text(f"某工作方案\n一、主要任务\n（一）推进工作。{sentence}。\n")
    assert [t for t in plan["targets"] if t["unit"] in ("yuan", "count", "person", "percent")] == []


def test_commitments_next_to_those_rules_stay_targets():
    plan = extract_text(
        "某工作方案\n一、主要任务\n（一）回归主业。确保支小支农担保业务占比达到80%以上。\n"
        "（二）扩大试点。到2020年，在10个以上城市开展试点，每年分行业、分领域、分批次发布100个应用场景。\n"
    )
    assert [(t["value"], t["unit"], t["comparator"]) for t in plan["targets"]] == [
        (80, "percent", ">="),
        (10, "count", ">="),
        (100, "count", "="),
    ]


def test_a_class_with_its_role_in_a_note_names_nobody_and_keeps_the_note():
    toxic = (
        "某区新污染物治理工作方案\n三、保障措施\n（一）加强组织领导。构建部门协调机制。（区资源生态局牵头，有关单位按职责分工负责）\n"
        "（二）加强宣传引导。开展科普宣传。（区资源生态局牵头，各相关部门配合）\n"
        "（三）强化属地责任。落实属地管理。（区资源生态局牵头，各乡镇人民政府负责）\n"
    )
    tasks = _tasks(toxic)
    assert [t[1:3] for t in tasks] == [
        (["区资源生态局"], []),
        (["区资源生态局"], []),
        (["区资源生态局"], ["各乡镇人民政府"]),  # a class of governments answers for the work
    ]


def test_a_named_fund_opens_a_clause_while_a_level_of_government_is_a_class():
    guarantee = (
        "关于发挥融资担保基金作用的意见\n二、主要措施\n（一）加强业务引导。国家融资担保基金和省级担保基金要合理设置准入条件。\n"
        "（二）保障经费投入。省级人民政府要制定装备配备标准。县级人民政府要落实经费。\n"
    )
    tasks = _tasks(guarantee)
    assert [t[1] for t in tasks] == [["国家融资担保基金"], []]


def test_by_whom_general_government_and_roles_in_brackets():
    myopia = (
        "某区近视防控工作方案\n五、保障措施\n（一）配齐卫生人员。区党群工作部要落实职称评审政策。"
        "由区社会事业局按标准配齐学校卫生保健人员。\n（二）保障经费。由区财政局根据工作需要统筹安排经费。\n"
    )
    credit = (
        "某区信用体系建设任务分工方案\n一、政务诚信\n1.建立承诺考核制度。政府举债要依法依规、规模适度。"
        "人民政府要带头守信践诺。\n2.加强挂职干部管理。做好到期轮换工作。〔机关党委（人事司），派出挂职干部单位〕\n"
    )
    assert [t[1] + t[2] for t in _tasks(myopia)] == [["区党群工作部", "区社会事业局"], ["区财政局"]]
    assert [t[1] + t[2] for t in _tasks(credit)] == [[], ["机关党委(人事司)"]]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("各区属事业单位，各乡镇人民政府（街道办事处）", "各乡镇人民政府(街道办事处)"),
        ("各县（市、区）人民政府", "各县(市、区)人民政府"),
    ],
)
def test_the_next_headings_words_glued_after_unit_cells_are_not_a_unit(cells, expected):
    page = GLUED_TABLE.replace("各区属事业单位，各片区管理局二、", f"{cells}二、")
    assert page != GLUED_TABLE
    assert _tasks(page)[1][1] == ["区经济发展局", "区行政审批局", expected]


@pytest.mark.parametrize(
    ("text", "units"),
    [
        (
            "加强政策宣讲。区社会事业局区直各有关单位，各乡镇人民政府（街道办事处）五、强化稳就业保就业信息公开",
            ["区社会事业局", "各乡镇人民政府（街道办事处）"],
        ),
        ("公开救助政策。市民政局、市财政局三、加强督促检查", ["市民政局", "市财政局"]),
    ],
)
def test_the_next_section_heading_glued_after_an_items_unit_cells(text, units):
    found = trailing_unit_run(text, {})
    assert found is not None and found[0] == units


def test_approvals_and_statements_of_significance_frame_a_reply_whatever_their_length():
    approval = (
        "国务院关于某新区总体规划的批复\n某省人民政府：\n一、原则同意《某新区总体规划》。规划要严格执行。\n"
        "二、紧扣新区战略定位。推动高质量发展。\n三、优化空间开发保护格局。划定生态保护红线。\n"
    )
    opinion = (
        "关于进一步扩大科研自主权的若干意见\n一、充分认识赋予科研机构和人员更大自主权的重要意义\n扩大自主权是深化改革的要求。\n"
        "二、主要措施\n（一）围绕科研需求定位。完善管理制度。\n（二）同意试点单位自主设置岗位的，报主管部门备案。\n"
    )
    assert [t[0] for t in _tasks(approval)] == [["二"], ["三"]]
    assert [t[0] for t in _tasks(opinion)] == [["二", "(一)"], ["二", "(二)"]]


def test_footnotes_formulas_and_indicator_counts_are_neither_tasks_nor_targets():
    hospitals = (
        "关于加强公立医院绩效考核工作的意见\n一、指标体系\n（一）医疗质量。考核医院医疗质量。\n二、支撑体系\n"
        "（一）统一编码。2019年3月底前，国家卫生健康委推行统一的疾病分类编码。国家中医药局印发中医病证分类与代码。\n"
        "附件\n考核指标\n一级指标\t三级指标\t指标说明\n医疗质量\t1.手术占比\t计算方法：手术台次数/出院人次数×100%。\n"
        "注:\n1.标记“▲”的26个指标为国家监测指标，其中15个指标自动生成。\n2.辅助用药以国家统一规定的品目为准。\n"
    )
    schools = (
        "某市职业院校考核办法\n一、考核内容\n1.办学质量。市教育局制定考核细则。\n2.就业质量。市人社局建立就业监测制度。\n"
        "说明：\n1.就业率=就业人数/毕业生总数*100%。\n2.本办法共设12个指标。\n"
    )
    plan = extract_text(hospitals)
    assert [(t["path"], t["lead_units"]) for t in plan["tasks"]] == [
        (["二", "(一)"], ["国家卫生健康委", "国家中医药局"])
    ]
    assert plan["targets"] == []
    plan = extract_text(schools)
    assert [(t["path"], t["lead_units"]) for t in plan["tasks"]] == [
        (["一", "1"], ["市教育局"]),
        (["一", "2"], ["市人社局"]),
    ]
    assert plan["targets"] == []


def test_a_level_or_a_phrase_around_a_kind_of_department_is_no_unit():
    text = (
        "某工作方案\n一、主要任务\n（一）提高质量。三级公立医院要规范填写病案首页。二级医院要加强质控。\n"
        "（二）明确分工。卫生健康行政部门监督指导三级公立医院落实要求。教育行政部门指导学校开展工作。\n"
    )
    assert [t[1] + t[2] for t in _tasks(text)] == [[], []]


def test_associations_and_society_are_no_units():
    text = (
        "某实施方案\n一、主要任务\n（一）做优评价组织。行业协会要积极配合政府做好服务。\n"
        "（二）强化结果公示。抽查结果要接受社会监督。全社会要共同参与。\n（三）加强合作。中国职业技术教育学会要组织交流。\n"
    )
    assert [t[1] for t in _tasks(text)] == [[], [], ["中国职业技术教育学会"]]


def test_two_framing_nouns_joined_still_frame():
    purchase = (
        "某药品集中采购试点方案\n一、集中采购范围及形式\n（一）参加企业。符合条件的企业均可参加。\n（二）采购形式。采取招标采购。\n"
        "二、具体措施\n（一）带量采购。以量换价。\n"
    )
    service = (
        "某市政务服务改革方案\n一、适用范围和对象\n1.适用事项。本市行政许可事项。\n二、主要任务\n1.推行一网通办。"
        "市政务服务局负责。\n"
    )
    assert [t[0] for t in _tasks(purchase)] == [["二", "(一)"]]
    assert [t[0] for t in _tasks(service)] == [["二", "1"]]


def test_the_bodies_an_item_sets_up_are_parts_of_that_item():
    purchase = (
        "某集中采购试点方案\n一、组织形式\n（一）成立工作小组。由市医保局、市卫生健康委组成工作小组。\n"
        "（二）成立联合采购办公室。由市采购事务管理所承担联合采购办公室日常工作。\n1.监督组。负责监督。\n"
        "2.专家组。负责技术咨询。\n二、工作安排\n（一）发布公告。\n"
    )
    expo = (
        "某博览会筹备工作方案\n一、组织机构\n（一）成立筹备工作专班。\n1.综合协调组。负责统筹协调。\n2.宣传报道组。负责新闻宣传。\n"
        "3.安全保卫组。负责安全保卫。\n二、工作任务\n（一）做好展馆布置。市会展办负责。\n"
    )
    assert [(t[0], t[1]) for t in _tasks(purchase)] == [
        (["一", "(一)"], ["市医保局", "市卫生健康委"]),
        (["一", "(二)"], ["市采购事务管理所"]),
        (["二", "(一)"], []),
    ]
    assert [t[0] for t in _tasks(expo)] == [["一", "(一)"], ["二", "(一)"]]


# --- a task table flattened onto one line -----------------------------------------------------------------------

FILLER = "为加快推进签约项目尽快落地建设，明确各对接单位的职责任务，特制定本方案。" * 12
PROJECT_TABLE = (
    "某区管委会办公室关于印发《某区签约项目跟踪推进方案》及项目任务分解表的通知 各单位： 现印发给你们，请遵照执行。"
    " 某区管委会办公室 2016年3月2日 附件 "
    + FILLER
    + " 序号 项目名称 项目内容 投资额（亿元） 企业方联系人 牵头领导"
    " 责任单位 责任单位负责人 负责事项 一、省领导见证签约项目 1 甲银行项目 甲银行拟设立分行，首期规模不低于20亿元。"
    " 10 王强139******** 张三 区财政金融局 李四 区财政金融局负责对接。 2 乙产业园 拟建设产业园，建筑面积2万平方米。"
    " 5 赵六 136******** 孙七 牵头单位：区经济发展局配合单位：区规划局 区环境与国土资源局区土地开发公司 周八 吴九"
    " 区经济发展局负责牵头对接，区规划局依法做好选址。 二、其他签约项目 （一）民企项目 3 丙物流中心 设立物流中心。"
    " 3 郑十 159******** 钱一 区交通与建设局区经济与发展局 平潭两岸发展公司 冯二 陈三 刘五"
    " 1.区交通与建设局负责对接；2.区经济与发展局负责规划。 4 丁基础设施项目 参与基础设施建设。 100 卫东 159********"
    " 钱一 蒋二 沈三 区交通与建设局牵头对接基础设施建设等事宜，区财政金融局配合相关政策的服务。"
)
WORK_TABLE = (
    "某县人民政府办公室关于印发某县重点工作任务分解表的通知 各乡镇人民政府： 现印发给你们，请认真贯彻落实。"
    " 某县人民政府办公室 2021年5月6日 " + FILLER.replace("签约项目", "重点工作") + " 序号 工作任务 主要内容"
    " 责任领导 牵头单位 配合单位 完成时限 1 建设县城污水处理厂 新建日处理能力2万吨的污水处理厂。 王县长 县住建局"
    " 县发改局 县财政局 李局长 2021年12月底前 2 推进农村公路提档升级 完成县乡道改造。 张副县长 县交通运输局 县财政局"
    " 赵局长 2021年10月底前 3 开展招商引资专项行动 签约项目不少于10个。 刘副县长 县商务局 县发改局 孙局长 长期坚持"
)


def test_a_project_table_run_onto_one_line_gives_one_task_per_row_with_its_units():
    plan = extract_text(PROJECT_TABLE)
    rows = {t["number"]: t for t in plan["tasks"]}
    assert [t["title"] for t in plan["tasks"]] == ["甲银行项目", "乙产业园", "丙物流中心", "丁基础设施项目"]
    assert rows["1"]["path"] == ["一", "1"] and rows["3"]["path"] == ["二", "(一)", "3"]
    assert rows["1"]["lead_units"] == ["区财政金融局"]
    # 牵头单位：/配合单位： in the cell, names run together split again; the people on either side are not units
    assert rows["2"]["lead_units"] == ["区经济发展局"]
    assert rows["2"]["support_units"] == ["区规划局", "区环境与国土资源局", "区土地开发公司"]
    assert rows["3"]["lead_units"] == ["区交通与建设局", "区经济与发展局", "平潭两岸发展公司"]
    # an empty unit cell: the duties column's 甲牵头…，乙配合… says who
    assert (rows["4"]["lead_units"], rows["4"]["support_units"]) == (["区交通与建设局"], ["区财政金融局"])


def test_a_work_table_run_onto_one_line_keeps_its_deadlines():
    plan = extract_text(WORK_TABLE)
    got = [(t["title"], t["lead_units"], t["support_units"], t["deadline"]) for t in plan["tasks"]]
    assert got == [
        ("建设县城污水处理厂", ["县住建局"], ["县发改局", "县财政局"], "2021年12月底前"),
        ("推进农村公路提档升级", ["县交通运输局"], ["县财政局"], "2021年10月底前"),
        ("开展招商引资专项行动", ["县商务局"], ["县发改局"], "长期坚持"),
    ]


@pytest.mark.parametrize(
    ("text", "title", "issued_on"),
    [
        (PROJECT_TABLE, "某区签约项目跟踪推进方案", "2016-03-02"),
        (
            "关于印发《某市营商环境提升行动方案》和任务清单的通知 各区人民政府： 现印发给你们。\n"
            "某市人民政府办公室 2020年7月1日\n某市营商环境提升行动方案\n一、优化审批\n压缩审批时限。",
            "某市营商环境提升行动方案",
            "2020-07-01",
        ),
    ],
)
def test_a_notice_sending_a_plan_and_its_table_titles_the_plan_and_its_one_line_signature_dates_it(
    text, title, issued_on
):
    plan = extract_text(text)
    assert (plan["title"], plan["issued_on"]) == (title, issued_on)


# --- bodies a document sets up ----------------------------------------------------------------------------------

JOINT_MEETING = (
    "为加强统筹协调，经国务院同意，建立国务院{name}部际联席会议（以下简称联席会议）制度。\n一、主要职能\n"
    "统筹协调全国{name}工作，研究解决重大问题；督促检查有关政策措施的落实情况。\n二、成员单位\n"
    "联席会议由{members}组成，{first}为牵头单位。联席会议办公室设在{first}，承担日常工作。\n三、工作规则\n"
    "联席会议原则上每年召开一次全体会议。联席会议办公室可根据工作需要，组织成员单位开展联合督导。\n四、工作要求\n"
    "各成员单位要按照职责分工，认真落实联席会议确定的工作任务。联席会议办公室要及时通报有关情况。"
)


@pytest.mark.parametrize(
    ("name", "members", "first"),
    [
        ("职业教育工作", "教育部、发展改革委、财政部", "教育部"),
        ("食品安全", "市场监管总局、农业农村部、卫生健康委", "市场监管总局"),
    ],
)
def test_a_joint_meetings_system_gives_its_duties_to_the_body_and_its_office(name, members, first):
    body = f"国务院{name}部际联席会议"
    office = body + "办公室"
    got = _tasks(JOINT_MEETING.format(name=name, members=members, first=first))
    # 成员单位 defines the body; 主要职能 are the body's; 原则上 and 可 after a (short) name still give it the work
    assert got == [
        (["一"], [body], [], None, None),
        (["三"], [body, office], [], None, None),
        (["四"], [office], [], None, None),
    ]


@pytest.mark.parametrize(
    ("text", "units"),
    [
        (
            "（一）完善联席会议制度。国务院职业教育工作部际联席会议由教育、财政等单位组成，统筹协调全国职业教育工作。",
            ["国务院职业教育工作部际联席会议"],
        ),
        (
            "（一）成立联合采购办公室。联合采购办公室由试点城市各派1名代表组成，负责实施集中采购。",
            ["联合采购办公室"],
        ),
        ("（一）加强监督。省医保局对集中采购全过程进行指导监督。", ["省医保局"]),
        (
            "（一）明确风险分担比例。原则上国家融资担保基金承担的风险责任比例不低于20%。",
            ["国家融资担保基金"],
        ),
        # a kind of fund, national and local, is no body
        ("（一）提高比例。国家和地方融资担保基金可以提高自身承担的风险责任比例。", []),
    ],
)
def test_a_body_that_is_composed_or_acts_on_something_or_follows_a_binding_word_opens_its_clause(text, units):
    assert _tasks(text)[0][1] == units


def test_a_short_name_defined_after_who_composes_the_body_is_the_body_alone():
    text = (
        "（一）成立试点工作小组。由国务院办公厅、国家医保局组成国家组织药品集中采购试点工作小组（以下简称试点工作小组），"
        "领导试点工作。\n（二）加强监督。试点工作小组办公室对集中采购全过程进行指导监督。"
    )
    assert _tasks(text)[1][1] == ["国家组织药品集中采购试点工作小组办公室"]
    text = (
        "（一）成立领导小组。由市发展改革委、市财政局组成市对口支援工作领导小组（以下简称领导小组），统筹推进。\n"
        "（二）加强督查。领导小组办公室要定期通报进展。"
    )
    assert _tasks(text)[1][1] == ["市对口支援工作领导小组办公室"]


@pytest.mark.parametrize(
    "sentence",
    [
        "联席会议设召集人1人，由国务院分管领导同志担任；设副召集人2人，由教育部主要负责同志担任",
        "领导小组设组长1人、副组长3人，办公室设主任1人",
        "各责任单位要于9月22日前将联络员（指定1名）名单报送招商办公室",
        "各成员单位确定联络员（指定2名），负责日常联系",
        "对接会上共签约合作项目76个，总投资额达1736.1亿元",
        "推介活动期间共签约项目20个，签约金额300亿元",
        "为加快推进76个项目尽快落地建设，特制定本方案",
        "为推动30个重点项目建设，结合实际，制定本计划",
    ],
)
def test_a_bodys_posts_an_events_yield_and_the_plans_purpose_are_not_targets(sentence):
    plan = extract_text(f"某工作方案\n一、主要任务\n（一）推进工作。{sentence}。\n")
    assert plan["targets"] == []


def test_a_commitment_beside_a_bodys_posts_stays_a_target():
    plan = extract_text(
        "某工作方案\n一、主要任务\n（一）推进工作。领导小组设组长1人。到2020年新建学校10所。\n"
    )
    assert [(t["value"], t["unit"]) for t in plan["targets"]] == [(10, "count")]


@pytest.mark.parametrize(
    ("sentence", "deadline"),
    [
        ("加快发展市、县两级融资担保机构，争取三年内实现政府性融资担保业务市级全覆盖", "三年内"),
        ("试点地区公立医疗机构应优先使用，确保1年内完成合同用量", "1年内"),
        ("可渐进调整支付标准，在2—3年内调整到位", "2—3年内"),
    ],
)
def test_a_span_counted_from_an_unstated_start_is_a_deadline_without_a_due_date(sentence, deadline):
    assert _tasks(f"某实施意见\n一、主要任务\n（一）推进工作。{sentence}。\n") == [
        (["一", "(一)"], [], [], deadline, None)
    ]


def test_a_span_in_a_rule_is_no_deadline():
    # 5年内不得…: how long a rule binds, not when the work is due
    assert (
        _tasks("某实施意见\n一、主要任务\n（一）严格管理。受到处罚的企业5年内不得参加采购。\n")[0][3] is None
    )


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            "序号 改革举措 主 要 内 容 指导部门 推广范围",
            "1\t专利保险机制\t开发专利保险产品。\t国家知识产权局、中国银保监会\t全国",
        ),
        (
            "序号 工作任务 牵头单位 配合单位 完成时限",
            "1\t开展专利保险\t国家知识产权局\t中国银保监会\t2019年底前",
        ),
    ],
)
def test_a_table_header_whose_cells_came_out_space_joined_still_heads_the_rows(header, row):
    text = f"某推广清单\n{header}\n一、知识产权保护方面（共1项）\n{row}\n"
    (task,) = extract_text(text)["tasks"]
    assert task["path"] == ["一", "1"]
    assert task["lead_units"] == ["国家知识产权局"] + (["中国银保监会"] if "推广范围" in header else [])


def test_a_flattened_rows_number_glued_to_its_name_still_starts_the_row():
    # a PDF's text may lose the space between a row's number and its name (…负责对接。25海峡人寿保险项目)
    text = PROJECT_TABLE.replace("区财政金融局负责对接。 2 乙产业园", "区财政金融局负责对接。 2乙产业园")
    titles = [t["title"] for t in extract_text(text)["tasks"]]
    assert titles == ["甲银行项目", "乙产业园", "丙物流中心", "丁基础设施项目"]
    text = WORK_TABLE.replace("李局长 2021年12月底前 2 推进", "李局长 2021年12月底前； 2推进")
    titles = [t["title"] for t in extract_text(text)["tasks"]]
    assert titles == ["建设县城污水处理厂", "推进农村公路提档升级", "开展招商引资专项行动"]


@pytest.mark.parametrize(
    "sentence",
    [
        "对单户担保金额500万元及以下的小微企业收取的担保费率原则上不超过1%",
        "单户担保金额500万元以上的再担保业务收费，原则上不高于承担风险责任的0.5%",
        "停车服务收费标准不得高于每小时5元",
        "对投资1000万元以上的项目给予用地保障",
    ],
)
def test_a_cap_on_what_is_charged_and_the_amount_that_makes_a_case_are_not_targets(sentence):
    plan = extract_text(f"某实施意见\n一、主要任务\n（一）推进工作。{sentence}。\n")
    assert plan["targets"] == []


@pytest.mark.parametrize(
    ("sentence", "value"),
    [("引导合作机构逐步将平均担保费率降至1%以下", 1), ("到2020年，新引进投资1000万元以上的项目20个", 20)],
)
def test_a_fee_to_bring_down_and_a_count_of_large_projects_stay_targets(sentence, value):
    plan = extract_text(f"某实施意见\n一、主要任务\n（一）推进工作。{sentence}。\n")
    assert [t["value"] for t in plan["targets"]] == [value]
