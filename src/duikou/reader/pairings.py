"""结对 relations: pair tables and lists first, sentences such as 天津市对口支援甘南藏族自治州和天祝藏族自治县 otherwise."""

from __future__ import annotations

import re

from .units import is_specific_unit

_DASH_PAIR = re.compile(
    r"^(?P<donor>[^\s,，。；;:：、—\-–－~～]{2,40}?)\s*[—\-–－~～]+\s*(?P<recipient>[^\s,，。；;:：、—\-–－~～]{2,40})$"
)
_PLACE_END = re.compile(
    r"(省|市|县|区|州|旗|盟|镇|乡|街道|村|社区|自治州|自治县|自治区|地区|林区|新区)(?:[(（][^()（）]{1,12}[)）])?$"
)
_NOT_PLACE_END = re.compile(
    r"(库区|园区|景区|校区|厂区|矿区|灾区|山区|藏区|牧区|老区|苏区|城区|辖区|片区|受援区|安置区|移民区|示范区|实验区|试验区|功能区|保护区)(?:[(（][^()（）]*[)）])?$"
)
_VERB = re.compile(
    r"^(?:确定由|由|深化|推进|推动|加强|开展|支持|继续|做好|实施|明确|安排|建立|实现|同意|组织|促进|巩固|落实)+"
)
_VERB_ANYWHERE = r"确定由|由|开展|组织|深化|推进|推动|加强|支持|继续|做好|实施|明确|安排|建立|实现|同意|促进|巩固|落实|关于|现就"
_SUPPORT_VERB = r"(?:对口支援|对口帮扶|对口协作|对口合作|结对帮扶|结对支援|定点帮扶|东西部(?:扶贫)?协作|扶贫协作|结对(?!关系|任务|帮扶|支援))"
# 江苏省与陕西省2024年东西部协作: a year or period between the pair and the verb is not part of a name
_PERIOD_TAIL = re.compile(
    r"(?:(?:19|20)\d{2}(?:\s*[—\-–－~～至到]\s*(?:19|20)\d{2})?\s*年?度?|[“\"]?十[一二三四五六]五[”\"]?|时期|期间)+$"
)
_FORWARD = re.compile(rf"{_SUPPORT_VERB}")
_NAME_RUN_BACK = re.compile(r"[^，,。；;:：!?！？“”\"《》<>\s—]+$")
_DONOR_COLUMN = re.compile(
    r"支援方|支援省份|支援省市|派出省份|援助方|帮扶方|支援单位|帮扶单位|援建方|支援地|结对方|对口单位|帮扶地"
)
_RECIPIENT_COLUMN = re.compile(
    r"受援方|受援地|受援单位|被帮扶|受援县|受援区|帮扶对象|结对对象|对口地区|结对地区|受援"
)


def _is_place_like(name: str, *, allow_org: bool = False) -> bool:
    if not name or re.search(r"\d|[a-zA-Z]|“|”|\"", name) or _NOT_PLACE_END.search(name):
        return False
    if re.match(r"^[一二三四五六七八九十两几多诸]+[省市县区州]", name):
        return False
    if allow_org:
        return len(name) >= 3
    return bool(_PLACE_END.search(name)) and is_specific_unit(
        re.sub(r"[(（][^()（）]*[)）]$", "", name) or name
    )


def _split_names(text: str) -> list[str]:
    return [p for p in re.split(r"[、和及]", text) if p]


def pairs_from_tables(
    lines: list[str], donor: str | None = None, recipient: str | None = None
) -> list[tuple[str, str]]:
    """Pairs printed one per row as 'A-B' after a 结对 heading, or in donor/recipient columns.

    A table with only one side's column (one row per host province and its quota) pairs each row with the
    plan's own other side, when the plan names exactly one (donor / recipient).
    """
    pairs: list[tuple[str, str]] = []
    in_pair_list = False
    donor_col = recipient_col = None
    one_side: tuple[str, int] | None = None  # ("donor" | "recipient", column) of a one-sided table
    for line in lines:
        cells = line.split("\t")
        if "结对" in line and len(line) <= 60 and "-" not in line:
            in_pair_list = True
        if len(cells) > 1:
            donors = [i for i, c in enumerate(cells) if _DONOR_COLUMN.search(c) and len(c) <= 12]
            recipients = [i for i, c in enumerate(cells) if _RECIPIENT_COLUMN.search(c) and len(c) <= 12]
            if donors and recipients and donors[0] != recipients[0]:
                donor_col, recipient_col = donors[0], recipients[0]
                one_side = None
                continue
            if recipients and not donors and donor:
                one_side, donor_col = ("recipient", recipients[0]), None
                continue
            if donors and not recipients and recipient:
                one_side, donor_col = ("donor", donors[0]), None
                continue
            if one_side is not None and one_side[1] < len(cells):
                for name in _split_names(cells[one_side[1]].strip()):
                    if _is_place_like(name, allow_org=True) and not re.search(r"合计|小计|总计", name):
                        pairs.append((donor, name) if one_side[0] == "recipient" else (name, recipient))
                continue
            if donor_col is not None and max(donor_col, recipient_col) < len(cells):
                # Each row's names, not the plan's own sides (donor / recipient) a one-sided table pairs with.
                for row_donor in _split_names(cells[donor_col]):
                    for row_recipient in _split_names(cells[recipient_col]):
                        if _is_place_like(row_donor, allow_org=True) and _is_place_like(
                            row_recipient, allow_org=True
                        ):
                            pairs.append((row_donor, row_recipient))
                continue
        if not in_pair_list:
            continue
        for cell in cells:
            match = _DASH_PAIR.match(cell.strip())
            if (
                match
                and _is_place_like(match.group("donor"), allow_org=True)
                and _is_place_like(match.group("recipient"), allow_org=True)
            ):
                pairs.append((match.group("donor"), match.group("recipient")))
    return pairs


def _donors_before(text: str) -> list[str]:
    run = _NAME_RUN_BACK.search(text[-60:])  # a name list is short; bounding it keeps long lines linear
    if not run:
        return []
    names = re.split(_VERB_ANYWHERE, run.group(0))[-1]
    return [n for n in _split_names(names) if _is_place_like(n)]


def _recipients_after(text: str) -> list[str]:
    match = re.match(r"[^，,。；;:：!?！？“”\"《》\s]{1,40}", text)
    if not match:
        return []
    run = match.group(0)[:40]
    # the longest start of the run that is a list of place names (stop before 工作, 的部署 …)
    best: list[str] = []
    for end in range(len(run), 1, -1):
        names = _split_names(run[:end])
        if names and all(_is_place_like(n) for n in names):
            best = names
            break
    return best


def pairs_from_sentences(lines: list[str]) -> list[tuple[str, str]]:
    """Pairs from 'A对口支援B' and 'A与B对口合作' sentences and titles."""
    pairs: list[tuple[str, str]] = []
    for line in lines:
        for sentence in re.split(r"[。；;!?！？]", line):
            for match in _FORWARD.finditer(sentence):
                before = _PERIOD_TAIL.sub("", sentence[max(0, match.start() - 80) : match.start()])
                with_match = re.search(
                    r"^(?P<before>.*?)(?:与|和|同)(?P<recipient>[^，,。；;:：、\s与和“”\"]{2,20})$", before
                )
                if with_match:
                    donors = _donors_before(with_match.group("before"))
                    recipients = [n for n in _split_names(with_match.group("recipient")) if _is_place_like(n)]
                else:
                    donors = _donors_before(before)
                    recipients = _recipients_after(sentence[match.end() : match.end() + 60])
                pairs.extend((d, r) for d in donors for r in recipients)
    return pairs


def extract_pairings(lines: list[str], donor: str | None = None, recipient: str | None = None) -> list[dict]:
    """Every pair once, from tables when the document has a pair table, else from sentences."""
    pairs = pairs_from_tables(lines, donor, recipient) or pairs_from_sentences(lines)
    unique: list[tuple[str, str]] = []
    for pair in pairs:
        if pair not in unique and pair[0] != pair[1]:
            unique.append(pair)
    return [{"donor": d, "recipient": r} for d, r in unique]
