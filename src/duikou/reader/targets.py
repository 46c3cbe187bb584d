"""Quantitative commitments (targets) and their split among units (allocations)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .numbers import PERSON_TIME_UNITS, Quantity, find_quantities, tidy

_QUOTED = re.compile(
    r"“[^”]{0,40}”|\"[^\"]{0,40}\"|「[^」]{0,40}」|《[^》]{0,80}》|〈[^〉]{0,80}〉|<[^>]{0,80}>"
)
_CLAUSE_BREAK = re.compile(r"[，,。；;：:!?！？\t]")
_SENTENCE_BREAK = re.compile(r"[。；;!?！？\t]")
_PAST = re.compile(r"(?<![为除])了(?!解)|已经|业已|已(?!有)|(?<!力争)(?<!确保)成功(?![率举])")
_CONTACT = re.compile(r"电话|联系人|邮编|传真|手机|邮箱|地址|网址")
_PLACE = r"[\u4e00-\u9fff()（）]{1,12}?(?:街道|自治州|自治县|区|县|市|州|旗|镇|乡|省|局|厅|委|办)"
_ALLOCATION_HEAD = re.compile(rf"^(?P<units>{_PLACE}(?:、{_PLACE})*)(?P<each>各)?$")
# 共建产业园区15个, 打造示范区3个: kinds of area to build are what is counted, not who is allotted it
# (山区/城区/新区 are left out: 仓山区, 城区 and 浦东新区 are real districts).
_NOT_A_UNIT = re.compile(
    r"^(?:共建|新建|建设|建成|打造|培育|创建|引进|帮助|支持|实施|开展|组织|选派|培训|新增|改造|援建|推动|推进|力争|全省|全市|全区|全县)|"
    r"(?:园区|社区|景区|片区|小区|示范区|保护区|功能区|集中区|产业区)$"
)
_ADMIN_NOUN = re.compile(r"(县|州|省|地市|市州|县区|区县|县市|自治区|自治州|自治县|国家|地区|区域)$")
_AT_LEAST_BEFORE = re.compile(r"(不低于|不少于|至少|超过|高于|多于|达|达到|力争|确保)[^，,。；]{0,6}$")
_AT_MOST_BEFORE = re.compile(r"(不超过|不高于|控制在|低于|少于|以内)[^，,。；]{0,6}$")
_AT_LEAST_BEFORE_STRICT = re.compile(
    r"(不低于|不少于|至少|(?<!不)超过|(?<!不)高于|多于|达到)[^，,。；]{0,6}$"
)
# numbers that set a rule rather than a result: a cap (最高500万元, 最多不超过六批), a standard (低于3310元为标准),
# a rate (按7%予以贴息, 按照…30%给予), an age, a condition (1家符合条件的…, 50人以下的企业)
_RULE_BEFORE = re.compile(
    r"(设[^，,。；]{0,12}(?:召集人|组长|主任|秘书长|主席|联络员)$|[(（]指定$|最高|最多|上限|最低|年满|每[\d一二三四五六七八九十两]+[年月][^，,。；]{0,8}$|各(?:派|选派|推荐)|不得(?:低于|少于|超过|高于|多于)[^，,。；]{0,6}$|按照?[^，,。；%]{0,30}$|每(?:天|日|周|学期|节|人|户|班)[^，,。；]{0,12}$|(?:给予|予以)[^，,。；]{0,8}(?:奖补|补助|奖励|补贴|资助)$)"
)
_EARLIER_IN_LIST = re.compile(r"(?:\d+(?:\.\d+)?\s*(?:万|亿)?(?:元|%|个|家|项|人|名)?[、和及])+$")
# a parenthesis opened right after a quantity and still open: its numbers break that quantity down
_BREAKDOWN = re.compile(r"\d\s*[所个家项名人座条批次件]\s*[(（][^()（）]*$")
_RULE_AFTER = re.compile(
    r"^(?:\(含\))?(?:以下|以内|及以下)的|^的?基础上|^及?以上的[，,]|^[^，,。；]{0,8}为标准|^周岁|^(?:家|个|项)?符合条件"
    r"|^的[，,]"  # 入围生产企业为2家的，采取议价采购: a condition
)
# …500万元及以下、担保费率不超过1%的业务给予适当担保费补贴: the case a subsidy is for, not a result
_SUBSIDISED = re.compile(r"^[^，,。；]{0,30}(?:给予|予以)[^，,。；]{0,10}(?:奖补|补助|奖励|补贴|资助)")
# a count of what the text lists around it: 北京、天津…西安11个城市, 推广的改革举措（共23项）, 知识产权保护方面5项：…
_LIST_BEFORE = re.compile(r"(?:[^，,。；、\s]{1,6}、){3,}[^，,。；、\s]{1,4}$|(?:共|方面)$")
_LIST_AFTER = re.compile(r"^\s*[:：]")
# what the addressee asked for, estimated or reported (a reply to requests, a project's history) is no commitment
_NOT_OURS = re.compile(
    r"请求|预计|估算|上报的|尚未|原计划"
    r"|(?:会上|期间|活动中)共(?:签约|达成|引进|发布)"  # what an event yielded (对接会上共签约合作项目76个)
    r"|特制定本|制定本(?:方案|计划|意见|办法)"  # why the plan is made: 为加快推进76个项目…，特制定本方案
)
# the document's own measures (调整增加为30项督查激励措施) are not commitments
_OWN_MEASURES = re.compile(
    r"^[^，,。；]{0,8}(?:措施|举措|指标)"
)  # …26个指标为国家监测指标: the plan's own parts
# a cap on what is charged to others (收取的担保费率原则上不超过1%, 再担保业务收费…不高于承担风险责任的0.5%); a
# rate for the addressees to keep (担保费率不超过1%) stays a target
_FEE_CAP = re.compile(r"(?:收费|收取)[^。；]{0,16}(?:不超过|不高于|不得超过|不得高于)[^，,。；]{0,10}$")
# 计算方法：甲/乙×100%: a formula's factor, not a level to reach
_FORMULA = re.compile(r"[×*xX]\s*$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?![\d—\-~至到])")
_LEADING = re.compile(
    r"^(?:到|至|截至)?(?:(?:19|20)\d{2}\s*年(?:底|末)?)?[，,]?(?:要|将|力争|确保|争取|努力|计划)?"
)


@dataclass
class Paragraph:
    """A stretch of plan text and what its place in the document says about its numbers."""

    text: str
    background: bool = False
    default_year: int | None = None


def _masked(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether position falls inside one of the sorted, non-overlapping spans."""
    index = bisect.bisect_right(spans, (position, len(spans) and 1 << 60)) - 1
    return index >= 0 and spans[index][0] < position < spans[index][1]


_WINDOW = 300  # characters either side of a number that can belong to its sentence
_BREAK_CACHE: dict[tuple[str, str], list[int]] = {}
_ALLOCATION_BREAK = re.compile(r"[，,。；;：:\t]")


def _break_positions(text: str, breaks: re.Pattern[str]) -> list[int]:
    """Positions of clause/sentence breaks, computed once per paragraph so lookups stay logarithmic."""
    key = (text, breaks.pattern)  # str hashes are cached, so a long paragraph is hashed once
    cached = _BREAK_CACHE.get(key)
    if cached is None:
        cached = [m.start() for m in breaks.finditer(text)]
        if len(_BREAK_CACHE) > 64:
            _BREAK_CACHE.clear()
        _BREAK_CACHE[key] = cached
    return cached


def _clause_start(text: str, position: int, breaks: re.Pattern[str] = _CLAUSE_BREAK) -> int:
    positions = _break_positions(text, breaks)
    index = bisect.bisect_left(positions, position) - 1
    return max(positions[index] + 1 if index >= 0 else 0, position - _WINDOW)


def _clause_end(text: str, position: int, breaks: re.Pattern[str] = _CLAUSE_BREAK) -> int:
    positions = _break_positions(text, breaks)
    index = bisect.bisect_left(positions, position)
    return min(positions[index] if index < len(positions) else len(text), position + _WINDOW)


def comparator(text: str, quantity: Quantity) -> str:
    """>= for 以上/不低于/至少 and ranges, <= for 以内/不超过, = otherwise."""
    after = text[quantity.end : quantity.end + 4]
    before = text[max(0, quantity.start - 12) : quantity.start]
    if after.startswith(("以上", "及以上", "以上的")) or _AT_LEAST_BEFORE_STRICT.search(before):
        return ">="
    if after.startswith(("以内", "以下", "及以下", "(含)以下")) or _AT_MOST_BEFORE.search(before):
        return "<="
    if quantity.is_range or quantity.approximate:
        return ">="
    return "="


def _allocation_units(text: str, quantity: Quantity) -> tuple[list[str], bool] | None:
    """Units a quantity is allotted to: 马尾区、闽侯县各9000万元 or 马尾区12名."""
    start = _clause_start(text, quantity.start, _ALLOCATION_BREAK)
    head = text[start : quantity.start].strip()
    head = re.sub(r"^(?:其中|具体任务是|具体为|分别为|分别是|包括)", "", head)
    match = _ALLOCATION_HEAD.match(head)
    if not match and "、" in head:
        match = _ALLOCATION_HEAD.match(head.rsplit("、", 1)[1])  # 马尾区1.33亿元、闽侯县1.33亿元
        if match and match.group("each"):
            return None
    if not match:
        return None
    units = match.group("units").split("、")
    if not match.group("each") and len(units) > 1:
        return None
    if any(_NOT_A_UNIT.search(unit) for unit in units):
        return None
    return units, bool(match.group("each"))


def _skip(text: str, quantity: Quantity, quoted: list[tuple[int, int]]) -> bool:
    """Numbers that are not commitments: quoted names, ordinals, idioms, counts of places, past facts."""
    if _inside(quoted, quantity.start):
        return True
    before = text[max(0, quantity.start - 1) : quantity.start]
    if before in ("第", "前", "近", "约", "每", "首", "等") or re.match(r"[\d.·]", before):
        return True
    printed = text[quantity.start : quantity.end]
    rule_before = text[max(0, quantity.start - 24) : quantity.start]
    if _BREAKDOWN.search(text[max(0, quantity.start - 40) : quantity.start]):
        return True  # 试点校5所(公办幼儿园、小学各1所…): the breakdown of a total printed just before
    rule_after = text[quantity.end : quantity.end + 16]
    # 分别给予一次性奖补50万元、100万元、150万元: the later amounts of a list share the first one's rule
    listed = _EARLIER_IN_LIST.sub("", text[max(0, quantity.start - 60) : quantity.start])[-24:]
    if _RULE_BEFORE.search(rule_before) or _RULE_BEFORE.search(listed) or _RULE_AFTER.search(rule_after):
        return True
    if _SUBSIDISED.search(text[quantity.end : quantity.end + 50]):
        return True
    if quantity.unit == "yuan" and re.match(r"(?:\(含\))?(?:及)?(?:以上|以下)的", rule_after):
        return (
            True  # 单户担保金额500万元以上的再担保业务: the amount that makes a case, not an amount to reach
        )
    if _FEE_CAP.search(rule_before) and not re.search(r"降至|降低到|降到", rule_before):
        return True  # 收取的担保费率原则上不超过1%, 收费…不高于承担风险责任的0.5%: a price rule
    if re.search(r"对[^，,。；]{0,20}$", rule_before) and re.match(r"(?:及)?(?:以上|以下)?的", rule_after):
        return True  # 对单户担保金额500万元以上的小微企业…: whom a rule is for
    if quantity.unit == "count" and _OWN_MEASURES.search(text[quantity.end : quantity.end + 16]):
        return True
    if _FORMULA.search(text[max(0, quantity.start - 2) : quantity.start]):
        return True
    if quantity.unit == "count" and (
        _LIST_BEFORE.search(text[max(0, quantity.start - 80) : quantity.start])
        or _LIST_AFTER.match(text[quantity.end : quantity.end + 2])
    ):
        return True
    if (
        re.match(r"^[一两][个批项名位支套人]", printed)
        or printed.startswith("一")
        and quantity.printed_unit in ("次", "项")
    ):
        return True  # 一个/一批 read as 'a'/'a batch', not as a count
    if quantity.unit == "count":
        noun = re.match(r"[^，,。；;、（()）和与及]{1,15}", text[quantity.end :])
        if noun and _ADMIN_NOUN.search(noun.group(0)):
            return True
    clause = text[_clause_start(text, quantity.start) : _clause_end(text, quantity.end)]
    sentence = text[
        _clause_start(text, quantity.start, _SENTENCE_BREAK) : _clause_end(
            text, quantity.end, _SENTENCE_BREAK
        )
    ]
    return bool(_PAST.search(clause) or _CONTACT.search(clause) or _NOT_OURS.search(sentence))


def _indicator(text: str, quantity: Quantity) -> str:
    start = _clause_start(text, quantity.start)
    end = _clause_end(text, quantity.end)
    clause = text[start : quantity.start] + text[quantity.end : end]
    clause = (
        re.sub(r"^(以上|及以上|以内|以下)", "", text[quantity.end : end])
        if not text[start : quantity.start]
        else clause
    )
    clause = re.sub(r"(以上|及以上|以内|以下|不低于|不少于|至少|达到|达)", "", clause)
    return _LEADING.sub("", clause).strip(" ，,。") or clause.strip()


def _lead_in(text: str, sentence_start: int) -> str:
    """What a list of allocations without a total is about: the first clause of the sentence before it."""
    previous = re.split(
        r"[。；;!?！？\t]", text[max(0, sentence_start - _WINDOW) : sentence_start].rstrip("。；; ")
    )[-1]
    return re.split(r"[，,]", previous)[0].strip()


def _year(text: str, quantity: Quantity, default: int | None) -> int | None:
    sentence_start = max(_clause_start(text, quantity.start, _SENTENCE_BREAK), quantity.start - _WINDOW)
    years = _YEAR.findall(text[sentence_start : quantity.start])
    return int(years[-1]) if years else default


def extract_targets(paragraphs: list[Paragraph], skip_sentences: set[str]) -> list[dict]:
    """Targets with allocations from every paragraph outside background sections."""
    targets: list[dict] = []
    for paragraph in paragraphs:
        if paragraph.background:
            continue
        text = paragraph.text
        quoted = _masked(text)
        parent: dict | None = None
        parent_unit = None
        last_by_unit: dict[str, dict] = {}
        for quantity in find_quantities(text):
            # a sentence longer than any real one (a page without full stops) is cut to a window round the number
            sentence_start = max(
                _clause_start(text, quantity.start, _SENTENCE_BREAK), quantity.start - _WINDOW
            )
            sentence = text[
                sentence_start : min(_clause_end(text, quantity.end, _SENTENCE_BREAK), quantity.end + _WINDOW)
            ]
            if sentence.strip("。；; ") in skip_sentences or _skip(text, quantity, quoted):
                continue
            allocation = _allocation_units(text, quantity)
            unit = quantity.unit
            if allocation:
                if unit == "yuan" and quantity.printed_unit == "万" and parent_unit not in (None, "yuan"):
                    continue
                if (
                    parent is not None
                    and parent_unit != unit
                    and unit in last_by_unit
                    and text[_clause_start(text, quantity.start, _ALLOCATION_BREAK) : quantity.start]
                    .strip()
                    .startswith("其中")
                ):
                    # 总额15.8亿元，比上年增长5%。其中南京市3.2亿元…: the split belongs to the last total in its unit
                    parent, parent_unit = last_by_unit[unit], unit
                if parent is None or (parent_unit != unit):
                    parent = {
                        "text": sentence.strip(),
                        "indicator": _lead_in(text, sentence_start) or _indicator(text, quantity),
                        "value": 0,
                        "unit": unit,
                        "comparator": "=",
                        "year": _year(text, quantity, paragraph.default_year),
                        "allocations": [],
                        "value_is_sum": True,
                    }
                    parent_unit = unit
                    targets.append(parent)
                units, _each = allocation
                for name in units:
                    parent["allocations"].append({"unit": name, "value": tidy(quantity.value)})
                    if parent.get("value_is_sum"):
                        parent["value"] = tidy(parent["value"] + quantity.value)
                if len(parent["text"]) < _WINDOW * 3 and sentence.strip() not in parent["text"]:
                    parent["text"] = parent["text"].rstrip("。") + "。" + sentence.strip()
                continue
            if quantity.printed_unit == "万":
                continue  # a bare 300万 outside an allocation list is too ambiguous to keep
            parent = {
                "text": sentence.strip(),
                "indicator": _indicator(text, quantity),
                "value": tidy(quantity.value),
                "unit": unit,
                "comparator": comparator(text, quantity),
                "year": _year(text, quantity, paragraph.default_year),
                "allocations": [],
            }
            if quantity.is_range:
                parent["value_max"] = tidy(quantity.upper)
            if quantity.printed_unit in PERSON_TIME_UNITS:
                parent["unit_as_printed"] = quantity.printed_unit  # attendances, not people (培训8000人次)
            parent_unit = unit
            last_by_unit[unit] = parent
            targets.append(parent)
    return targets
