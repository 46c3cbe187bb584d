"""Whole-document behaviour on small texts, with exact expected output."""

from duikou.reader import extract_text, validate_plan

ANNUAL_TABLE = """2023年闽宁协作某市重点工作任务分工方案
序号\t工作任务\t牵头单位\t配合单位\t完成时限
1\t参加联席会议，领导赴宁夏调研对接\t市委办公厅 市政府办公厅\t市乡村振兴局\t全年
2\t推动消费帮扶，拓宽销售渠道。2023年帮助宁夏销售农副产品7.5亿元以上，具体任务是：马尾区、闽侯县、福清市各9000万元，鼓楼区4.8亿元。\t马尾区党工委、政府\t\t11月底前
3\t按照优势互补原则，引导企业赴宁夏投资兴业。\t省教育厅、科技厅\t\t2023年6月30日前
"""


def test_table_tasks_units_deadlines_and_due_dates():
    plan = extract_text(ANNUAL_TABLE)
    assert plan["period"] == {"start_year": 2023, "end_year": 2023}
    tasks = plan["tasks"]
    assert [t["number"] for t in tasks] == ["1", "2", "3"]
    assert tasks[0]["title"] == "参加联席会议"
    assert tasks[0]["lead_units"] == ["市委办公厅", "市政府办公厅"]
    assert tasks[0]["support_units"] == ["市乡村振兴局"]
    assert (tasks[0]["deadline"], tasks[0]["due"]) == ("全年", None)
    assert (tasks[1]["deadline"], tasks[1]["due"]) == ("11月底前", "2023-11-30")
    assert tasks[1]["lead_units"] == ["马尾区党工委、政府"]
    assert tasks[2]["title"] == "按照优势互补原则，引导企业赴宁夏投资兴业"
    assert tasks[2]["lead_units"] == ["省教育厅", "省科技厅"]
    assert tasks[2]["due"] == "2023-06-30"


def test_target_with_allocations():
    (target,) = extract_text(ANNUAL_TABLE)["targets"]
    assert (target["value"], target["unit"], target["comparator"], target["year"]) == (
        750_000_000,
        "yuan",
        ">=",
        2023,
    )
    assert target["allocations"] == [
        {"unit": "马尾区", "value": 90_000_000},
        {"unit": "闽侯县", "value": 90_000_000},
        {"unit": "福清市", "value": 90_000_000},
        {"unit": "鼓楼区", "value": 480_000_000},
    ]


def test_allocations_without_a_total_make_a_target_of_their_sum():
    plan = extract_text("选派专业技术人员赴固原帮扶。具体任务是：马尾区12名，鼓楼区11名，帮扶时限6个月以上。")
    (target,) = plan["targets"]
    assert (target["value"], target["unit"], target["comparator"]) == (23, "person", "=")
    assert [a["unit"] for a in target["allocations"]] == ["马尾区", "鼓楼区"]


OUTLINE = """某省“十四五”对口支援某地实施方案
一、总体要求
（一）指导思想。以习近平新时代中国特色社会主义思想为指导。
（二）主要目标。到2025年，引进项目80个以上。
二、重点任务
（三）加强教育合作。支持1—2个学校建设。（责任单位：省教育厅、科技厅等按职责分工落实）
（四）加强资金管理。我省援助资金逐年按1250万元、1305万元、1305万元、1305万元、1305万元安排，共计6470万元。（省发改委、省财政厅按职责分工负责）
三、保障措施
（五）加强组织领导。省商务厅要加强统筹。有关部门要积极配合。
"""


def test_outline_tasks_skip_framing_sections_and_read_units():
    plan = extract_text(OUTLINE)
    assert plan["period"] == {"start_year": 2021, "end_year": 2025}
    assert [t["path"] for t in plan["tasks"]] == [
        ["二", "(三)"],
        ["二", "(四)"],
        ["三", "(五)"],
    ]  # brackets folded to ASCII
    assert [t["title"] for t in plan["tasks"]] == ["加强教育合作", "加强资金管理", "加强组织领导"]
    assert plan["tasks"][0]["lead_units"] == ["省教育厅", "省科技厅"]
    assert plan["tasks"][0]["text"] == "支持1—2个学校建设。"
    assert plan["tasks"][1]["lead_units"] == ["省发改委", "省财政厅"]
    assert plan["tasks"][2]["lead_units"] == ["省商务厅"]


def test_funding_schedule_rows_exclude_the_total():
    rows = [(r["year"], r["amount_yuan"]) for r in extract_text(OUTLINE)["funding"]]
    assert rows == [
        (2021, 12_500_000),
        (2022, 13_050_000),
        (2023, 13_050_000),
        (2024, 13_050_000),
        (2025, 13_050_000),
    ]


def test_funding_every_year():
    text = "某市与某县对口合作实施方案（2021—2023年）\n某市援助资金每年安排708万元，共计2124万元。"
    rows = [(r["source"], r["year"], r["amount_yuan"]) for r in extract_text(text)["funding"]]
    assert rows == [("某市", 2021, 7_080_000), ("某市", 2022, 7_080_000), ("某市", 2023, 7_080_000)]


def test_targets_skip_funding_amounts_and_read_ranges_and_goals():
    targets = [(t["value"], t["unit"], t["comparator"]) for t in extract_text(OUTLINE)["targets"]]
    assert targets == [(80, "count", ">="), (1, "count", ">=")]


def test_pairings_from_a_sentence_list():
    text = "——天津市对口支援甘南藏族自治州和天祝藏族自治县；\n——上海市对口支援迪庆藏族自治州；"
    pairs = [(p["donor"], p["recipient"]) for p in extract_text(text)["pairings"]]
    assert pairs == [("天津市", "甘南藏族自治州"), ("天津市", "天祝藏族自治县"), ("上海市", "迪庆藏族自治州")]


def test_pairings_from_a_pair_table_win_over_sentences():
    text = (
        "福建省与重庆万州区对口支援合作结对关系表\n序号\n结对单位名称\n1\n福州市-沙河街道\n2\n漳州市-大周镇\n"
    )
    pairs = [(p["donor"], p["recipient"]) for p in extract_text(text)["pairings"]]
    assert pairs == [("福州市", "沙河街道"), ("漳州市", "大周镇")]


def test_pairing_from_title_with_yu():
    plan = extract_text("上海市与三明市对口合作实施方案(2023—2025年)\n一、总体要求")
    assert plan["pairings"] == [{"donor": "上海市", "recipient": "三明市"}]
    assert plan["donors"] == ["上海市"]
    assert plan["recipients"] == ["三明市"]


def test_header_from_notice_and_labels():
    text = (
        "• 文号:闽援办〔2022〕3号\n• 发布机构:某网站主办单位\n• 生成日期:2022-04-07\n"
        "福建省对口支援工作办公室关于印发福建省“十四五”对口支援三峡万州库区合作实施方案的通知\n"
        "根据《国务院关于某事的通知》（国发〔2021〕3号）要求，制定本方案。\n"
    )
    plan = extract_text(text)
    assert plan["title"] == "福建省“十四五”对口支援三峡万州库区合作实施方案"
    assert plan["doc_number"] == "闽援办〔2022〕3号"
    assert plan["issuer"] == "福建省对口支援工作办公室"
    assert plan["issued_on"] == "2022-04-07"
    assert plan["period"] == {"start_year": 2021, "end_year": 2025}


def test_header_issuer_from_doc_number_and_date_beside_it():
    text = "湖北省对口支援三峡移民工作规划(2014—2020年)\n发布时间:2015-08-20 17:06:00\n(2014年12月6日  鄂政函〔2014〕220号)\n"
    plan = extract_text(text)
    assert (plan["doc_number"], plan["issuer"], plan["issued_on"]) == (
        "鄂政函〔2014〕220号",
        "湖北省人民政府",
        "2014-12-06",
    )
    assert plan["period"] == {"start_year": 2014, "end_year": 2020}


def test_a_page_printed_twice_yields_each_item_once():
    once = OUTLINE + "附件\n结对关系表\n1\n福州市-沙河街道\n"
    plan_once = extract_text(once)
    plan_twice = extract_text(once + once + "扫一扫在手机上查看当前页面\n")
    for part in ("tasks", "targets", "funding", "pairings"):
        assert plan_twice[part] == plan_once[part], part
    assert len(plan_twice["pairings"]) == 1


def test_traditional_text_reads_like_simplified_and_keeps_its_characters():
    text = "發達省(市)對口支援工作方案\n四、重點任務\n(一)大力扶持教育發展。統籌扶持受援地校舍建設，新建學校3所。\n五、保障措施\n(一)建立協調機制。天津市、上海市和浙江省要按照東西扶貧協作機制要求，安排資金。"
    plan = extract_text(text)
    assert plan["title"] == "發達省(市)對口支援工作方案"
    assert [t["title"] for t in plan["tasks"]] == ["大力扶持教育發展", "建立協調機制"]
    assert plan["tasks"][1]["lead_units"] == ["天津市", "上海市", "浙江省"]
    assert [(t["value"], t["unit"]) for t in plan["targets"]] == [(3, "count")]


def test_quoted_slogans_ordinals_and_place_counts_are_not_targets():
    text = "推动“三个课堂”建设，召开第27次联席会议，向固原2个重点帮扶县（西吉县、原州区）倾斜，构建一个体系，打造一批示范村。"
    assert extract_text(text)["targets"] == []


def test_empty_and_unstructured_text_give_a_valid_empty_plan():
    for text in ("", "   \n\n", "今天天气很好，我们去公园散步。"):
        plan = extract_text(text)
        assert validate_plan(plan) == []
        assert plan["tasks"] == plan["targets"] == plan["pairings"] == plan["funding"] == []


def test_validate_plan_reports_problems():
    plan = extract_text(OUTLINE)
    assert validate_plan(plan) == []
    broken = dict(plan, period={"start_year": 2025, "end_year": 2021}, targets=[{"value": "x"}])
    errors = validate_plan(broken)
    assert "period: start_year after end_year" in errors
    assert any(e.startswith("targets[0].value") for e in errors)
    assert validate_plan({"schema": "duikou.plan/1"})[0] == "title: missing"


LABELLED = """江苏省对口支援某自治州2024年工作要点
二、重点工作
（一）推进产业合作
1.加快产业园区建设。新引进企业20家以上，带动就业3000人。
牵头单位：省发展改革委、商务厅；配合单位：省工信厅
完成时限：2024年10月底前
2.深化消费帮扶。帮助销售农产品不低于5亿元（省商务厅牵头，省农业农村厅配合）
"""


def test_labelled_unit_lines_and_lead_support_parenthesis():
    plan = extract_text(LABELLED)
    assert plan["period"] == {"start_year": 2024, "end_year": 2024}
    first, second = plan["tasks"]
    assert first["path"] == ["二", "(一)", "1"]
    assert (first["lead_units"], first["support_units"]) == (["省发展改革委", "省商务厅"], ["省工信厅"])
    assert (first["deadline"], first["due"]) == ("2024年10月底前", "2024-10-31")
    assert (second["lead_units"], second["support_units"]) == (["省商务厅"], ["省农业农村厅"])
    targets = [(t["value"], t["unit"], t["comparator"], t["year"]) for t in plan["targets"]]
    assert targets == [
        (20, "count", ">=", 2024),
        (3000, "person", "=", 2024),
        (500_000_000, "yuan", ">=", 2024),
    ]


GENRE_NOTES = """福州市2025年东西部协作工作要点

一、产业协作
（一）共建产业园区。推进两地共建产业园区建设。（市发展改革委牵头，市商务局、市工业和信息化局配合，2025年6月底前完成）
（二）扩大消费帮扶。组织采购脱贫地区农产品。（2025年9月底前完成）
（三）推进教育协作。由市教育局组织实施结对学校帮扶，选派骨干教师支教。
（四）加强组织领导。定期召开联席会议。牵头单位：市委办公厅；完成时间：2025年12月
（五）推进人才交流。选派干部挂职。（长期坚持）
（六）完善工作机制。建立健全对接机制，形成合力（含季度会商、年度总结）。

福州市人民政府办公厅
2025年3月1日
"""


def test_trailing_notes_assigned_by_and_signature_are_read_in_every_printed_form():
    plan = extract_text(GENRE_NOTES)
    tasks = {t["path"][-1].strip("()（）"): t for t in plan["tasks"]}
    park = tasks["一"]
    assert park["lead_units"] == ["市发展改革委"]
    assert park["support_units"] == ["市商务局", "市工业和信息化局"]
    assert (park["deadline"], park["due"]) == ("2025年6月底前", "2025-06-30")
    assert park["text"].endswith("产业园区建设。")  # the note is cut from the text
    assert (tasks["二"]["deadline"], tasks["二"]["due"]) == ("2025年9月底前", "2025-09-30")
    assert tasks["二"]["lead_units"] == []
    assert tasks["三"]["lead_units"] == ["市教育局"]
    assert (tasks["四"]["deadline"], tasks["四"]["due"]) == ("2025年12月", "2025-12-31")
    assert (tasks["五"]["deadline"], tasks["五"]["due"]) == ("长期坚持", None)
    # A parenthesis of prose is not a note: nothing is read from it and it stays in the text.
    assert tasks["六"]["deadline"] is None and "季度会商" in tasks["六"]["text"]
    assert plan["issuer"] == "福州市人民政府办公厅"
    assert plan["issued_on"] == "2025-03-01"


GENRE_TARGETS = """江苏省与陕西省2024年东西部协作实施方案

一、主要目标
（一）资金投入。2024年江苏省安排财政援助资金15.8亿元，比上年增长5%。其中南京市3.2亿元、无锡市2.6亿元。
（二）产业合作。引导江苏企业到陕西投资额不低于50亿元，共建产业园区15个以上。
"""


def test_a_split_after_another_figure_joins_its_total_and_a_count_of_parks_is_no_allocation():
    plan = extract_text(GENRE_TARGETS)
    assert plan["pairings"] == [{"donor": "江苏省", "recipient": "陕西省"}]
    by_value = {(t["value"], t["unit"]): t for t in plan["targets"]}
    funds = by_value[(1_580_000_000, "yuan")]
    assert [(a["unit"], a["value"]) for a in funds["allocations"]] == [
        ("南京市", 320_000_000),
        ("无锡市", 260_000_000),
    ]
    assert (580_000_000, "yuan") not in by_value  # the split is not a second target summing its parts
    parks = by_value[(15, "count")]
    assert parks["allocations"] == [] and parks["comparator"] == ">=" and "产业园区" in parks["indicator"]


def test_a_task_table_numbered_with_dots_or_brackets_is_read():
    text = (
        "某市2025年东西部协作任务分工\n\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "1.\t共建产业园区\t市发改委\t市商务局、市工信局\t2025年6月底前\n"
        "2、\t开展劳务协作\t市人社局\t\t长期坚持\n"
        "（三）\t消费帮扶\t市商务局\t市农业农村局\t2025年12月\n"
    )
    tasks = extract_text(text)["tasks"]
    assert [t["title"] for t in tasks] == ["共建产业园区", "开展劳务协作", "消费帮扶"]
    assert tasks[0]["support_units"] == ["市商务局", "市工信局"] and tasks[0]["due"] == "2025-06-30"
    assert (tasks[1]["lead_units"], tasks[1]["deadline"]) == (["市人社局"], "长期坚持")
    assert tasks[2]["due"] == "2025-12-31"
