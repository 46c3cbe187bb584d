"""The clean-up of the line stream: a page printed twice cut back to one copy, also when OCR read the two
printings differently."""

import pytest
from conftest import SEEDS, long_task_table

from duikou.reader.text import drop_repeated_copies, normalise_line


def _body(stem: str) -> list[str]:
    """A document's lines, cut at its first repeated long line (seed 000 prints itself twice already)."""
    lines = [
        normalise_line(line) for line in (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
    ]
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if len(line) >= 30 and line in seen:
            return lines[:index]
        seen.add(line)
    return lines


def _as_ocr_read_it(lines: list[str]) -> list[str]:
    """The same text as a second OCR reading gives it: every 40th character misread where an ideograph is printed, some commas lost, one
    paragraph cut in two and two others joined (a layout break placed differently)."""
    noisy = []
    for line in lines:
        chars = list(line)
        for k in range(6, len(chars), 40):
            if "\u4e00" <= chars[k] <= "\u9fff":
                chars[k] = "口"
        noisy.append("".join(chars).replace("，", "", 2))
    long = [i for i, line in enumerate(noisy) if len(line) >= 60]
    cut, join = long[1], long[3]
    middle = len(noisy[cut]) // 2
    noisy[cut : cut + 1] = [noisy[cut][:middle], noisy[cut][middle:]]
    join += 1
    noisy[join : join + 2] = [noisy[join] + noisy[join + 1]]
    return noisy


@pytest.mark.parametrize("stem", ["000_9dcb29bf5a57c0dc", "002_2d1be96be226a2d0", "003_c6e7d628e5191fe9"])
def test_second_printing_read_with_ocr_noise_is_dropped(stem):
    body = _body(stem)
    assert sum(len(line) >= 60 for line in body) >= 5
    kept = drop_repeated_copies(body + _as_ocr_read_it(body), inexact=True)
    assert kept[: len(body)] == body
    # what is left of the second printing: the short lines before its first paragraph (a lone title too)
    assert all(len(line) < 40 for line in kept[len(body) :])
    assert len(kept) < len(body) + 12
    assert drop_repeated_copies(body, inexact=True) == body


def test_rows_that_differ_in_a_word_are_not_a_copy():
    """Indicator rows of one template (门诊/住院, 费用/药品费用) each resemble the row before them, and the
    run of them is kept: a copy repeats lines printed before it, in their order."""
    rows = [
        f"{n}.{who}次均{what}增幅▲\t定量\t计算方法:(本年度{who}患者次均{what}－上一年度{who}患者次均{what})"
        f"/上一年度{who}患者次均{what}×100%。指标来源:财务年报表。"
        for n, (who, what) in enumerate(
            [
                ("门诊", "费用"),
                ("门诊", "药品费用"),
                ("住院", "费用"),
                ("住院", "药品费用"),
                ("门诊", "费用"),
            ],
            start=38,
        )
    ]
    lines = ["三级公立医院绩效考核指标", *rows, "注：标记“▲”的指标为国家监测指标。"]
    assert drop_repeated_copies(lines, inexact=True) == lines


def test_a_restated_sentence_is_kept():
    lines = _body("002_2d1be96be226a2d0")
    restated = [*lines, "附件", lines[-5], "各地要认真贯彻落实，确保各项任务按期完成并报送进展情况。"]
    assert drop_repeated_copies(restated, inexact=True) == restated


def test_a_task_table_of_template_rows_is_read_by_ocr_whole():
    """Forty rows 推进第N项协作工作，建立健全工作机制… that each resemble many rows before them: near several
    lines, a row tells nothing about a copy, and none is dropped."""
    text, _rows = long_task_table()
    lines = [normalise_line(line) for line in text.splitlines()]
    assert drop_repeated_copies(lines, inexact=True) == lines


@pytest.mark.parametrize("inexact", [False, True])
def test_a_new_long_line_ends_a_repeated_run(inexact):
    """Paragraphs restated word for word (a summary repeating the measures) drop as a copy, but the new
    paragraphs after them are the document's own and stay, in text that came as text and in OCR text alike."""
    said = [
        "一、加强组织领导，各有关单位要把对口协作工作摆上重要议事日程，明确分管领导和具体责任人员。",
        "二、完善工作机制，建立健全定期会商、信息通报和督查督办制度，确保各项任务按时保质完成。",
        "三、强化资金保障，统筹安排年度协作资金，严格资金使用管理，提高资金使用效益和项目质量。",
        "（一）做好规划衔接，将协作项目纳入两地国民经济和社会发展规划，按年度分解落实到具体单位。",
        "（二）加强宣传引导，及时总结推广对口协作的好经验好做法，营造全社会共同参与的良好氛围。",
        "（三）严格考核评价，把对口协作工作纳入年度绩效考核，考核结果作为干部评价的重要依据。",
    ]
    new = [
        "四、深化产业合作，引导企业到受援地区投资兴业，共建产业园区，带动当地群众稳定就业增收致富。",
        "五、推进人才交流，选派党政干部和专业技术人才双向挂职，开展教育医疗领域的组团式帮扶工作。",
    ]
    lines = [*said, "附：", *said, *new]
    assert drop_repeated_copies(lines, inexact=inexact) == [*said, "附：", *new]
