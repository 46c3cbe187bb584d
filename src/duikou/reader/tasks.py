"""Tasks: rows of a 任务分工 table, else the numbered measures of the plan, with units and deadlines."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from .structure import Node, Outline, match_heading
from .units import (
    PLACE_CHARS,
    ends_like_unit,
    is_role,
    is_specific_unit,
    parse_subject,
    split_units,
    subject_and_rest,
)

# sections that frame a plan rather than assign work (指导思想, 基本原则, 主要目标, 背景 …)
PREAMBLE_TITLE = re.compile(
    r"(意义|背景|总体要求|总体思路|总体考虑|指导思想|原则|目标|范围|期限|时间安排|进度安排|结对关系|编制依据|依据|现状|形势|"
    r"成就|发展基础|工作基础|现实基础|机遇|挑战|总体安排|前言|概况|基本情况|发展环境|定位|适用对象|指标体系|成员单位)$"
)
BACKGROUND_TITLE = re.compile(
    r"(背景|成就|现状|发展基础|工作基础|现实基础|形势|机遇|挑战|意义|回顾|基本情况|概况|成效|工作进展)$"
)
_LEAD_LABEL = (
    r"责任单位|牵头单位|责任部门|牵头部门|主责单位|负责单位|负责部门|主办单位|责任主体|实施单位|承办单位"
)
_SUPPORT_LABEL = r"配合单位|参与单位|协办单位|配合部门|协同单位|协助单位"
_IGNORED_LABEL = r"适用范围|适用对象|备注"
_LABEL = re.compile(
    rf"(?P<label>{_LEAD_LABEL}|{_SUPPORT_LABEL}|{_IGNORED_LABEL}|完成时限|完成时间|时间节点|时限要求)\s*[:：]"
)
_OPEN, _CLOSE = "(（〔[【<《", ")）〕]】>》"
_PREPOSITION = re.compile(r"^(按照|根据|依据|围绕|结合|为了|为|依托|立足|坚持|通过|针对|对照|在)")
# 1, 1., 1、 or （一） in a 序号 cell
_TABLE_NUMBER = re.compile(
    r"^(?:\d{1,3}[.．、]?|[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]?)$"
)
_DUE_MONTH_END = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<m>\d{1,2})\s*月(?:底|末)")
_DUE_DAY = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
# 完成时间：2025年12月 — a month named alone means its end; 6月前 is read as offices use it, by the end of June
# (so that 2024年6月前 and 2024年上半年 name the same day).
_DUE_MONTH = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<m>\d{1,2})\s*月(?![\d底末日])")
_DUE_YEAR_END = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?:年底|年末|年内|底前)")
_DUE_HALF = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<h>上半年|下半年|一季度|二季度|三季度|四季度|第一季度|第二季度|第三季度|第四季度)"
)
_HALF_END = {
    "上半年": (6, 30),
    "下半年": (12, 31),
    "一季度": (3, 31),
    "二季度": (6, 30),
    "三季度": (9, 30),
    "四季度": (12, 31),
}


@dataclass
class UnitNote:
    """Units and deadline printed with a task, and the text with the note removed."""

    lead: list[str]
    support: list[str]
    deadline: str | None
    text: str


def due_date(deadline: str | None, year: int | None) -> str | None:
    """ISO date a deadline names when its year is known: 11月底前 in a 2023 plan → 2023-11-30.

    The one reading of deadline text: the importer (through the plan JSON) and the task table both use it.
    全年 (all year round) and 持续推进 name no day: such a task is never overdue.
    """
    if not deadline:
        return None
    for pattern in (_DUE_DAY, _DUE_MONTH_END, _DUE_HALF, _DUE_YEAR_END, _DUE_MONTH):
        matches = list(pattern.finditer(deadline))
        if not matches:
            continue
        match = matches[-1]
        chosen = int(match.group("y")) if match.group("y") else year
        if not chosen:
            return None
        try:
            if pattern is _DUE_DAY:
                return f"{chosen:04d}-{int(match.group('m')):02d}-{int(match.group('d')):02d}"
            if pattern in (_DUE_MONTH_END, _DUE_MONTH):
                month = int(match.group("m"))
                if not 1 <= month <= 12:
                    return None
                return f"{chosen:04d}-{month:02d}-{calendar.monthrange(chosen, month)[1]:02d}"
            if pattern is _DUE_HALF:
                month, day = _HALF_END[match.group("h").replace("第", "")]
                return f"{chosen:04d}-{month:02d}-{day:02d}"
            return f"{chosen:04d}-12-31"
        except (ValueError, KeyError):
            return None
    return None


def _balanced_value(text: str, start: int) -> int:
    """End of a label's value: the first bracket that closes one opened before the label."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            if depth == 0:
                return index
            depth -= 1
    return len(text)


def read_unit_note(text: str, definitions: dict[str, str], rules: NoteRules | None = None) -> UnitNote:
    """Labelled 牵头/责任/配合 units and 完成时限 in a task's text, or a trailing （…按职责分工负责）."""
    lead: list[str] = []
    support: list[str] = []
    deadline = None
    cut: list[tuple[int, int]] = []
    labels = list(_LABEL.finditer(text))
    for index, match in enumerate(labels):
        end = _balanced_value(text, match.end())
        if index + 1 < len(labels):
            end = min(end, labels[index + 1].start())
        value = text[match.end() : end].strip(" ;；。，,")
        label = match.group("label")
        if re.fullmatch(_LEAD_LABEL, label):
            lead += [u for u in named_units(value, definitions) if u not in lead]
        elif re.fullmatch(_SUPPORT_LABEL, label):
            support += [u for u in named_units(value, definitions) if u not in support]
        elif re.fullmatch(_IGNORED_LABEL, label):
            pass
        else:
            deadline = value or None
        opener = match.start()
        if opener > 0 and text[opener - 1] in _OPEN:
            opener -= 1
            end = min(len(text), end + 1)
        cut.append((opener, end))
    if not labels:
        for match in _NOTE_BRACKET.finditer(text):
            before = text[: match.start()].rstrip()
            after = text[match.end() :]
            at_end = not after.strip(" 。；;")
            if not (at_end or before.endswith(("。", "；", ";"))):
                continue  # a bracket inside a sentence explains a word, it does not assign the work
            body = match.group("body")
            if "。" in body.rstrip("。"):
                # a note of two sentences only when the second says how to read the later ones
                # (…试点城市政府负责落实。以下均需试点城市政府落实，不再列出); else it is prose in brackets
                if not _CARRIED.search(body):
                    continue
                body = body.replace("。", "，")
            bare_ok = before.endswith(
                ("。", "；", ";")
            )  # 各乡镇人民政府（街道办事处） is one name, not a note
            carried = (list(rules.carried_lead), list(rules.carried_support)) if rules else ([], [])
            note = _read_note(body, definitions, rules, bare_ok=bare_ok)
            if note:
                lead += [u for u in note[0] + carried[0] if u not in lead]
                support += [u for u in note[1] + carried[1] if u not in support and u not in lead]
                deadline = deadline or note[2]
                cut.append((match.start(), match.end()))
    for start, end in sorted(cut, reverse=True):
        text = text[:start] + text[end:]
    return UnitNote(lead, support, deadline, text.strip())


# a note in brackets: （甲负责）, 〔甲、乙〕, （负责部门：…）; one level of brackets may nest inside (机关党委（人事司）)
_NOTE_BRACKET = re.compile(
    r"(?P<open>[(（〔\[])(?P<body>(?:[^()（）〔〕\[\]]|[(（][^()（）]{1,20}[)）]){2,160})[)）〕\]]"
)
_NOTE_LEAD_END = re.compile(
    r"(?:按照?职责分工|按职能分工|分别)?(?:牵头(?:负责|落实|推进)?|负责|落实|组织实施|指导)$"
)
_NOTE_SUPPORT_END = re.compile(r"(?:等(?:有关)?(?:单位|部门)?)?(?:配合|参与|协助|协同|共同推进)(?:落实)?$")
_NOTE_STANDING = re.compile(r"^(?:长期坚持|长期推进|持续推进|持续实施|常态化推进|全年|每年|逐年推进)$")
# 列第一位者为牵头单位 / 排在第一位的部门为牵头部门: the first unit of a bare list leads, the rest support
_FIRST_LEADS = re.compile(r"(?:列|排)(?:在)?第一位(?:者|的)?(?:部门|单位)?为牵头(?:部门|单位)")
# clauses that state how to read notes rather than who does the work
_NOTE_REMARK = re.compile(r"^(?:下同|以下.{0,30}|.{0,20}不再列出|按职责分工负责|分别负责|均需.{0,20})$")


@dataclass
class NoteRules:
    """How the document says its notes are read; 下同 carries a rule to the later notes, and 以下均需甲落实，
    不再列出 carries 甲 to every later note."""

    first_leads: bool = False
    carried_lead: list[str] = field(default_factory=list)
    carried_support: list[str] = field(default_factory=list)


# 以下均需试点城市政府落实，不再列出 / 以下均由各县区配合，不再列出: a unit every later note leaves out
_CARRIED = re.compile(
    r"以下(?:均|都)?(?:需|由)(?P<units>[^，,。；;]{2,40}?)(?P<role>配合)?(?:负责)?落实[，,]?(?:不再列出|下同)"
)


def named_units(text: str, definitions: dict[str, str]) -> list[str]:
    """Units of a note, without classes of units (区直各相关单位, 局内各单位, 有关部门).

    Classes of governments (各设区市人民政府) stay: they are who answers for the work.
    """
    return [
        unit
        for unit in split_units(text, definitions)
        if (not re.search(r"各|有关|相关|其他|其它|的", unit) or unit.endswith(("人民政府", "政府")))
        and not is_role(unit)
    ]


def _bare_units(clause: str, definitions: dict[str, str]) -> list[str] | None:
    """A clause that only lists units (新能源司、电力司), or None when it says something else."""
    items = [i for i in re.split(r"[、和及]", clause) if i]
    if not items or any(not ends_like_unit(re.sub(r"等$", "", item)) for item in items):
        return None
    return named_units(clause, definitions)


def _deadline_clause(clause: str) -> str | None:
    """A note clause that is only a time limit (2025年6月底前完成, 长期坚持), as printed without 完成."""
    if len(clause) > 24:
        return None
    if _NOTE_STANDING.match(clause):
        return clause
    if any(p.search(clause) for p in (_DUE_DAY, _DUE_MONTH_END, _DUE_HALF, _DUE_YEAR_END)) and re.fullmatch(
        r"[\d年月日底末前内上下半一二三四第季度起至到—\-~～期间完成]+", clause
    ):
        return re.sub(r"(?<=[前内])完成$", "", clause)
    return None


def _read_note(
    body: str, definitions: dict[str, str], rules: NoteRules | None = None, *, bare_ok: bool = True
):
    """（甲牵头，乙、丙配合，2025年6月底前完成） → units and deadline, when every clause is one of those.

    A bare list takes the role of the role clause after it (甲牵头，乙、丙，丁等按职责分工负责), else leads.
    """
    rules = rules if rules is not None else NoteRules()
    lead: list[str] = []
    support: list[str] = []
    deadline = None
    pending: list[str] = []
    led = False  # a 牵头 clause was seen: later 负责 clauses are the supporting units'
    first_leads = rules.first_leads
    carried = _CARRIED.search(body)
    if carried:
        units = named_units(carried.group("units"), definitions)
        kept = rules.carried_support if carried.group("role") else rules.carried_lead
        kept += [u for u in units if u not in kept]
    for clause in (c.strip() for c in re.split(r"[，,；;]", body)):
        if not clause:
            continue
        if _FIRST_LEADS.search(clause):
            first_leads = True
            if "下同" in body:
                rules.first_leads = True
            continue
        if _NOTE_REMARK.match(clause):
            continue
        if (found := _deadline_clause(clause)) is not None:
            deadline = found
            continue
        if "会同" in clause and _NOTE_LEAD_END.search(clause):
            head, _, rest = clause.partition("会同")
            lead += [u for u in named_units(head, definitions) if u not in lead]
            support += [u for u in named_units(rest, definitions) if u not in support]
            led = True
            continue
        if (
            re.match(r"^(?:有关|相关|其他|其它|各)", clause)
            and (_NOTE_LEAD_END.search(clause) or _NOTE_SUPPORT_END.search(clause))
            and not named_units(clause, definitions)
        ):
            continue  # 有关单位按职责分工负责: a class of units with its role names nobody
        if _NOTE_SUPPORT_END.search(clause) and (units := split_units(clause, definitions)):
            support += [u for u in pending + named_units(clause, definitions) if u not in support]
            pending = []
        elif _NOTE_LEAD_END.search(clause) and (units := split_units(clause, definitions)):
            units = pending + named_units(clause, definitions)
            pending = []
            if led and "牵头" not in clause:
                support += [u for u in units if u not in support]
            else:
                lead += [u for u in units if u not in lead]
                led = led or "牵头" in clause
        elif bare_ok and (units := _bare_units(clause, definitions)) is not None:
            pending += units
        else:
            return None
    if pending:
        (support if led else lead).extend(u for u in pending if u not in lead and u not in support)
    if first_leads and not led and len(lead) > 1 and not support:
        lead, support = lead[:1], lead[1:]
    if not lead and not support and not deadline:
        return None
    return lead, support, deadline


_ASSIGNED_BY = re.compile(
    r"(?:^|[，,]|(?<![自理经缘来]))由(?P<units>[^，,。；;由]{2,60}?)(?:牵头|负责(?!同志|人)|组织实施|具体实施|承担|实施|(?<!同志)组成|按照?|根据|依据|统一)"
)


_ASKED = re.compile(
    r"(?:^|[，,])(?:请)(?P<units>[^，,。；;]{2,60}?)(?:会同(?P<with>[^，,。；;]{2,40}?))?(?:在|于|按照|落实|制定|加强|研究|根据|要|负责|提出)"
    r"|^(?P<units2>[^，,。；;请]{2,40}?)会同(?P<with2>[^，,。；;]{2,60}?)(?:研究)?提出(?:了)?(?:办理意见|意见)"
)
# who answers a request in a reply (办理情况的函): 发展改革委研究提出了办理意见：…, 发展改革委意见：…,
# 证监会、发展改革委提出了以下意见：…, 发展改革委提出：…
_REPLY = re.compile(
    r"^(?P<units>[^，,。；;:：请]{2,40}?)(?:研究)?(?:提出(?:了)?(?:以下|如下)?(?:办理)?意见|意见[:：]|提出[:：])"
)
# 甲会同乙…: in any clause, 甲 leads and 乙 supports (扶贫办已会同交通部、水利部等部门赴…, 由甲会同乙组织…)
_WITH = re.compile(
    r"^(?:由|经|请)?(?P<units>[^，,。；;:：]{2,40}?)(?:已|也|将|要|还)?会同(?P<with>[^。；;:：]{2,80})"
)


def asked_with(text: str, definitions: dict[str, str]) -> tuple[list[str], list[str]]:
    """甲会同乙研究提出了办理意见 / 请甲会同乙… / 甲意见：…: 甲 leads, 乙 supports, over all the item's sentences."""
    lead: list[str] = []
    support: list[str] = []
    for sentence in re.split(r"[。；;!?！？]", text[:20_000]):
        sentence = sentence.strip(" —-")
        found: list[tuple[list[str], list[str]]] = []
        asked = _ASKED.search(sentence)
        if asked and (asked.group("with") or asked.group("with2")):
            found.append(
                (
                    parse_subject(asked.group("units") or asked.group("units2"), definitions),
                    parse_subject(asked.group("with") or asked.group("with2"), definitions),
                )
            )
        reply = _REPLY.match(sentence)
        if reply:
            found.append((parse_subject(reply.group("units"), definitions), []))
        for clause in re.split(r"[，,]", sentence):
            joint = _WITH.match(_WHEN.sub("", clause.strip()))
            if joint:
                found.append(
                    (
                        parse_subject(joint.group("units"), definitions),
                        parse_subject(joint.group("with"), definitions),
                    )
                )
        for heads, partners in found:
            if not heads:
                continue
            lead += [u for u in heads if u not in lead]
            support += [u for u in partners if u not in support]
    return lead, [u for u in support if u not in lead]


# a predicate right after a clause's named subject: the unit is given the work (国家医保局承担…的职责,
# 北京市经济和信息化局统筹制定…, 北京市大数据工作推进小组办公室负责…)
_PREDICATE = re.compile(
    r"^(?:由[^，,。；;]{1,60}组成|对[^，,。；;]{1,30}(?:进行|开展|实施)|也|还|将|要|应|须|必须|可|原则上|负责|牵头|承担|统筹|组织|指导|会同|主动|积极|切实|认真|依法|定期|适时|及时|"
    r"于|推行|印发|制定|出台|发布|编制|建立|完成|开展|推进|推动|实施|落实|监督|协调|做好)"
)


# when a clause's work happens comes before who does it: 2004年发展改革委将会同水利部…, 目前财政部正在…
# …and so may how binding it is: 原则上国家融资担保基金…承担…
_WHEN = re.compile(r"^(?:(?:19|20)\d{2}年(?:以来|底|初|起)?|目前|今年|明年|近期|同时|此外|其次|另外|原则上)")


def clause_subjects(text: str, definitions: dict[str, str]) -> list[str]:
    """Named units that open any clause of the text with a predicate right after them."""
    found: list[str] = []
    for sentence in re.split(r"[。；;!?！？]", text[:20_000]):
        for clause in re.split(r"[，,]", sentence):
            clause = _WHEN.sub("", clause.strip(" —-").lstrip("(（〔["))
            if clause.startswith(("由", "请", "经")):
                continue  # 由甲组织实施, 请甲…: read by the rules for those
            names, rest = subject_and_rest(clause, definitions)
            if names and _PREDICATE.match(rest) and not rest.startswith(("负责同志", "负责人")):
                # a body's name, not a bare place or part of one (专区, 南部): a place opening a clause
                # is more often where the work happens than who does it
                found += [
                    u for u in names if u not in found and len(u) >= 3 and not u.endswith(tuple(PLACE_CHARS))
                ]
    return found


def _clause_roles(text: str, definitions: dict[str, str]) -> tuple[list[str], list[str]]:
    """甲牵头对接…，乙配合…: the bodies opening the clauses, those that 配合/协助/参与 in support."""
    lead: list[str] = []
    support: list[str] = []
    for clause in re.split(r"[。；;，,]", text[:2_000]):
        names, rest = subject_and_rest(clause.strip(), definitions)
        role = (
            support if rest.startswith(("配合", "协助", "参与")) else lead if _PREDICATE.match(rest) else None
        )
        if role is not None:
            role += [u for u in names if u not in lead + support and len(u) >= 3]
    return lead, support


def subjects_of(text: str, definitions: dict[str, str]) -> list[str]:
    """Named units that a task's sentences give work to: 省三峡办要…, 天津市、上海市和浙江省要…."""
    found: list[str] = list(clause_subjects(text, definitions))
    for sentence in re.split(r"[。；;!?！？]", text[:20_000]):  # a task's own sentences, not a runaway body
        sentence = sentence.strip(" —-")
        clauses = re.split(r"[，,]", sentence, maxsplit=1)
        starts = [sentence]
        if len(clauses) == 2 and _PREPOSITION.match(clauses[0]):
            starts = [clauses[1]]
        elif _PREPOSITION.match(sentence):
            continue
        by = _ASSIGNED_BY.search(sentence)
        asked = _ASKED.search(sentence)
        if asked:  # 请财政部落实…, 发展改革委会同水利部研究提出了办理意见: the named bodies carry the work
            head = asked.group("units") or asked.group("units2")
            partner = asked.group("with") or asked.group("with2")
            starts = [head] + ([partner] if partner else [])
        elif by:  # 由市教育局组织实施…: the unit after 由 carries the work
            starts = [by.group("units")]
        elif not re.search(
            r"(?<![重主需必纪摘只])要(?![求素点])|负责|(?<=[厅局部委办室府院会署])将", sentence
        ):
            continue
        for start in starts:
            for unit in parse_subject(start, definitions):
                if unit not in found:
                    found.append(unit)
    return found


def task_title(text: str) -> str:
    """First clause of a task, extended past a leading 按照…/根据… phrase."""
    clauses = [c for c in re.split(r"(?<=[，,。；;])", text) if c]
    if not clauses:
        return text
    title = clauses[0]
    if _PREPOSITION.match(title) and len(clauses) > 1 and not title.endswith(("。", "；", ";")):
        title += clauses[1]
    if title.endswith(("，", ",")) and len(clauses) > 1 and "。" in clauses[0]:
        pass
    return title.rstrip("，,。；; ")


# a framing heading run together with its text by a flattened page: 二、工作目标到2023年，力争…
_PREAMBLE_START = re.compile(
    r"^(指导思想|总体要求|总体思路|工作目标|目标任务|主要目标|发展目标|基本原则|工作原则)"
)


# a heading that starts with what to do is a measure even when it ends like a framing word:
# 明确支持范围, 营造发展环境, 明确审核范围 (while 试点范围, 发展环境, 适用范围 frame the plan)
_MEASURE_VERB = re.compile(
    r"^(?:明确|营造|优化|加强|强化|完善|健全|建立|推进|推动|扩大|拓展|落实|提升|提高|改善|规范|严格|做好|加快|深化|"
    r"实施|开展|确定|制定|调整|创新|保障|维护|构建|打造|培育|紧扣|围绕|聚焦|突出|着力|注重|把握|发挥)"
)
# framing whatever its length: 充分认识…的重要意义; and a 批复's approval itself: 原则同意《…》
_FRAMING_ANY_LENGTH = re.compile(r"(重要意义|必要性|紧迫性)$|^(?:原则)?同意《")


# two framing nouns joined: 集中采购范围及形式, 适用范围和对象, 工作目标与原则
_JOINED_FRAMING = re.compile(r"(范围|原则|目标|依据|意义)(?:及|和|与)[^，,。；]{1,6}$")


def _frames(title: str) -> bool:
    if _PREAMBLE_START.match(title) or _FRAMING_ANY_LENGTH.search(title):
        return True
    framing = PREAMBLE_TITLE.search(title) or _JOINED_FRAMING.search(title)
    return bool(framing) and len(title) <= 16 and not _MEASURE_VERB.match(title)


def _under_preamble(node: Node) -> bool:
    # a framing heading is short (编制依据, 总体要求); a measure ending in 依据/目标 is a whole sentence
    return any(_frames(n.title) for n in [*node.ancestors(), node])


# 五、职责分工 /（五）区社会事业局 1.… : under a division of duties, a heading naming a unit gives its items' unit
_DUTIES_TITLE = re.compile(r"职责分工|部门职责|职责任务|任务分工|分工")


def _duty_holder(node: Node, definitions: dict[str, str]) -> list[str]:
    chain = [*node.ancestors(), node]
    if not any(_DUTIES_TITLE.search(n.title) for n in chain[:-1]):
        return []
    for item in reversed(chain):
        holder = _leading_unit(item.heading)
        if holder:
            return [definitions.get(holder, holder)]
    return []


def _leading_unit(heading: str) -> str | None:
    """区财政金融局全区…专项经费…: the shortest start of a heading that is a unit's name, when the heading
    starts with a place (区/市/省/县…) or is that name alone."""
    for end in range(4, min(len(heading), 20) + 1):
        piece = heading[:end]
        if piece[-1] in PLACE_CHARS or not ends_like_unit(piece):
            continue
        if (piece[0] in PLACE_CHARS or end == len(heading)) and is_specific_unit(piece):
            return piece
    return None


# a closing section (五、有关要求) without numbered items, in a plan whose work is numbered below its sections
_CLOSING_TITLE = re.compile(r"(有关要求|工作要求|组织实施|组织领导|保障措施|实施保障)$")
_ENDS_WITH_NOTE = re.compile(r"[(（〔][^()（）〔〕]{2,80}[)）〕]\s*[。；]?\s*$")


def _framing_section(node: Node) -> bool:
    siblings = node.parent.children if node.parent else []
    return (
        node.parent is not None
        and node.parent.style == "root"
        and _CLOSING_TITLE.search(node.title) is not None
        and any(sibling.children for sibling in siblings)
    )


def _own_text(node: Node) -> str:
    """An item's text; after a run of one-line items that each end with their note （X负责）, the lines under the
    last one are the document's closing paragraphs, not part of that item."""
    siblings = node.parent.children if node.parent else []
    if (
        node.body
        and len(siblings) >= 3
        and siblings[-1] is node
        and _ENDS_WITH_NOTE.search(node.heading)
        and all(not s.body and not s.children and _ENDS_WITH_NOTE.search(s.heading) for s in siblings[:-1])
    ):
        return node.lead_text
    if node.body and len(siblings) >= 3 and _last_of_all(node) and all(not s.body for s in siblings[:-1]):
        return (
            node.lead_text
        )  # items of one paragraph each, then the document's closing words (各地区、各部门要…)
    return node.text


def _last_of_all(node: Node) -> bool:
    """The document's last numbered item: the last child of the last child … of the outline."""
    while node.parent is not None:
        if node.parent.children[-1] is not node:
            return False
        node = node.parent
    return True


def outline_tasks(outline: Outline, definitions: dict[str, str], year: int | None, restore) -> list[dict]:
    """Leaf numbered items outside the plan's framing sections."""
    tasks: list[dict] = []
    rules = NoteRules()
    for node in outline.root.walk():
        if _parts_of_a_body(node.parent) or _under_preamble(node) or _framing_section(node):
            continue
        if node.children and not _parts_of_a_body(node):
            continue
        own_text = _own_text(node)
        note = read_unit_note(own_text, definitions, rules)
        lead, support, text = note.lead, note.support, note.text
        if not lead and not support:
            run = trailing_unit_run(text, definitions)
            if run is not None:
                lead, text = run
        sentences = text or node.heading  # an item printed as one sentence has it all in its title
        if not lead and not support and (holder := _duty_holder(node, definitions)):
            lead = holder
            support = [
                u
                for u in subjects_of(sentences, definitions) + _assigned(sentences, definitions)
                if u not in lead
            ]
        if not lead and not support:
            lead, support = prose_note(sentences, definitions, rules)
        if not lead and not support:
            lead, support = asked_with(sentences, definitions)
        if not lead and not support:
            lead = subjects_of(sentences, definitions)
        if not lead and not support:
            lead, support = _inherited_units(node, definitions, rules)
        if not lead and not support and _DUTIES_OF_BODY.search(node.title):
            lead = _body_set_up(definitions)
        deadline, due = note.deadline, due_date(note.deadline, year)
        if not deadline:
            deadline, due = prose_deadline(node.title + own_text, year)
        tasks.append(
            {
                "number": restore(node.number),
                "path": [restore(step) for step in node.path],
                "title": restore(node.title),
                "text": restore(text),
                "lead_units": [restore(u) for u in lead],
                "support_units": [restore(u) for u in support],
                "deadline": restore(deadline) if deadline else None,
                "due": due,
            }
        )
    return tasks


# the duties of the body a 制度 sets up (一、主要职能 贯彻落实…；统筹协调…): that body does them
_DUTIES_OF_BODY = re.compile(r"^(?:主要)?(?:职能|职责)(?:任务)?$")
_BODY = re.compile(r"(联席会议|领导小组|工作小组|委员会|工作组)$")


def _body_set_up(definitions: dict[str, str]) -> list[str]:
    """The body the text names with a short name (建立…部际联席会议（以下简称联席会议）制度)."""
    return [full for full in definitions.values() if _BODY.search(full)][:1]


def _parts_of_a_body(node: Node | None) -> bool:
    """成立联合采购办公室 1.监督组。负责… 2.专家组。… 3.集中采购小组。…: items that each name a body an item sets up
    are its parts; the item itself is the task."""
    if node is None or node.style == "root" or len(node.children) < 2:
        return False
    return all(
        len(child.title) <= 10 and ends_like_unit(child.title) and not child.children
        for child in node.children
    )


def _inherited_units(
    node: Node, definitions: dict[str, str], rules: NoteRules
) -> tuple[list[str], list[str]]:
    """Units named in a parent's own text (发展改革委会同水利部研究提出了办理意见。（一）…（二）…) answer for its
    items that name none themselves."""
    for parent in reversed(node.ancestors()):
        own = parent.text
        if not own:
            continue
        note = read_unit_note(own, definitions, NoteRules(rules.first_leads))
        if note.lead or note.support:
            return note.lead, note.support
        lead, support = prose_note(own, definitions, rules)
        if lead:
            return lead, support
        lead, support = asked_with(own, definitions)
        if lead:
            return lead, support
        named = subjects_of(own, definitions)
        if named:
            return named, []
    return [], []


def _assigned(text: str, definitions: dict[str, str]) -> list[str]:
    """Units a sentence hands part of the work to: …由区社会事业局按标准配齐…"""
    found: list[str] = []
    for match in _ASSIGNED_BY.finditer(text):
        found += [u for u in parse_subject(match.group("units"), definitions) if u not in found]
    return found


def prose_note(text: str, definitions: dict[str, str], rules: NoteRules) -> tuple[list[str], list[str]]:
    """A note written as a sentence of its own, without brackets: 省委宣传部牵头，省广电局配合。"""
    for sentence in re.split(r"[。；;]", text):
        sentence = sentence.strip()
        if not sentence or len(sentence) > 80 or not re.search(r"牵头|配合|负责", sentence):
            continue
        note = _read_note(sentence, definitions, rules, bare_ok=False)
        if note and note[0]:
            return note[0], note[1]
    return [], []


def _segment_glued(chunk: str) -> list[str]:
    """区经济发展局区行政审批局 → 区经济发展局, 区行政审批局: names run together share their first character."""
    head = chunk[0] if chunk and chunk[0] in PLACE_CHARS else None
    if not head:
        return [chunk]
    pieces = re.split(rf"(?<=[局委办厅部室会])(?={head})", chunk)
    return [p for p in pieces if p]


def trailing_unit_run(text: str, definitions: dict[str, str]) -> tuple[list[str], str] | None:
    """Units printed after an item's last full stop with nothing between them: the cells of a task table whose
    columns a web archiver ran together (…推动优化投资和建设环境。区经济发展局区行政审批局区直各有关单位，…).

    Returns the named units and the text without them, or None when the tail is not only unit names.
    """
    head, stop, tail = text.rpartition("。")
    tail = tail.strip()  # without a full stop the whole text may be the cells (the title took the sentence)
    # the next section's heading glued after the cells (…各乡镇人民政府（街道办事处）五、强化稳就业信息公开)
    tail = re.sub(r"[一二三四五六七八九十]{1,3}、[^，,。；;、\s]{2,30}$", "", tail).strip()
    if not tail or len(tail) > 200:
        return None
    names: list[str] = []
    # 各县（市、区）人民政府 is one name: a 、 inside brackets separates nothing
    guarded = re.sub(r"[(（][^()（）]*[)）]", lambda m: m.group(0).replace("、", "\0"), tail)
    for chunk in (c.replace("\0", "、") for c in re.split(r"[，,、；;\s]+", guarded)):
        if not chunk:
            continue
        for piece in _segment_glued(chunk):
            bare = re.sub(r"[(（][^()（）]*[)）]$", "", piece)
            if not ends_like_unit(bare):
                return None
            names.append(piece)
    named = [
        n
        for n in names
        if is_specific_unit(re.sub(r"[(（][^()（）]*[)）]$", "", n))
        or re.match(r"^各.{0,10}(人民政府|政府)", n)
    ]
    return [definitions.get(n, n) for n in named], head + stop


# deadlines written in a task's sentences: 2019年4月底前完成, 力争2022年底前建成, 上半年通过验收, 争取6月完成
_PROSE_DEADLINE = re.compile(
    r"(?<!每年)(?<!每月)(?P<d>(?:(?:19|20)\d{2}年)?\d{1,2}月(?:\d{1,2}日|底|末)?前"
    r"|(?:19|20)\d{2}年(?:底|末)前"
    r"|(?:(?:19|20)\d{2}年)?(?:上半年|下半年|第[一二三四]季度)(?=.{0,4}(?:完成|投产|获批|开工|建成|通过|到位|实现))"
    r"|(?<![至到—\-])(?:19|20)\d{2}年(?:上半年|下半年|第[一二三四]季度)(?=[，,])"  # 2019年上半年，试点城市政府印发…
    r"|\d{1,2}月(?=.{0,2}完成)"
    # a span counted from now (争取三年内实现…全覆盖, 在2—3年内调整到位): as printed, its day unknown
    r"|(?<![\d一二三四五六七八九十两])[一二三四五六七八九十两\d]{1,2}(?:[—\-~至到][一二三四五六七八九十两\d]{1,2})?(?:个)?年内"
    r"(?=[^，,。；;]{0,4}(?:实现|完成|建成|调整|达到|覆盖|到位|建立|形成)))"
)


def prose_deadline(text: str, year: int | None) -> tuple[str | None, str | None]:
    """Every dated limit a task's sentences set, in printed order; the due date is the latest of them."""
    found: list[str] = []
    for match in _PROSE_DEADLINE.finditer(text):
        if match.group("d") not in found:
            found.append(match.group("d"))
    if not found:
        return None, None
    dues = [d for d in (due_date(f, year) for f in found) if d]
    return "；".join(found), (max(dues) if dues else None)


TASK_COLUMN = re.compile(r"任务|工作内容|事项|措施|举措|内容")
# 改革举措 | 主要内容: the first names the item (its title), the second describes it
_CONTENT_COLUMN = re.compile(r"^(?:主要|具体|工作)?(?:内容|要求)$")
LEAD_COLUMN = re.compile(
    r"牵头|责任单位|责任部门|主责|负责单位|负责部门|责任主体|指导部门|指导单位|实施单位|承办单位"
)
SUPPORT_COLUMN = re.compile(r"配合|参与|协办|协同|协助")
_DEADLINE_COLUMN = re.compile(r"时限|完成时间|时间节点|进度|时间安排")


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        cell = cell.replace(" ", "")
        if len(cell) > 12:
            return None
        for key, pattern in (
            ("lead", LEAD_COLUMN),
            ("support", SUPPORT_COLUMN),
            ("deadline", _DEADLINE_COLUMN),
        ):
            if key not in columns and pattern.search(cell):
                columns[key] = index
                break
        else:
            if "number" not in columns and re.search(r"序号|编号", cell):
                columns["number"] = index
            elif "task" in columns and "content" not in columns and _CONTENT_COLUMN.match(cell):
                columns["content"] = index
            elif "task" not in columns and TASK_COLUMN.search(cell):
                columns["task"] = index
    if "task" in columns and ("lead" in columns or "support" in columns):
        columns.setdefault("number", -1)
        return columns
    return None


def _spaced_header(line: str, width: int) -> str | None:
    """序号 改革举措 主 要 内 容 指导部门 推广范围 over rows of 5 cells: the header's cells (a letter-spaced one
    joined again) tab-separated, when they are as many as the rows' cells and read as a task table's header."""
    if not re.match(r"^(?:序号|编号)\s", line):
        return None
    # a run of single characters is one letter-spaced cell (主 要 内 容)
    cells = [c.replace(" ", "") for c in re.findall(r"(?:\S(?:\s\S)+(?!\S))|\S+", line)]
    cells = [c for c in cells if c]
    return "\t".join(cells) if len(cells) == width and _header_columns(cells) else None


def table_tasks(lines: list[str], definitions: dict[str, str], year: int | None, restore) -> list[dict]:
    """One task per numbered row of a 任务分工 table (序号/工作任务/牵头单位/配合单位/完成时限)."""
    tasks: list[dict] = []
    columns: dict[str, int] | None = None
    counter = 0
    # 一、知识产权保护方面（共5项） / （一）营商环境 across the table between its rows; a （一） under a 一、 keeps it
    section: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        # a header row whose cells came out space-joined (序号 改革举措 主 要 内 容 指导部门), a section row
        # (一、…) perhaps between it and the first row
        following = next((f for f in lines[index + 1 : index + 3] if "\t" in f), "")
        if "\t" not in line and following and (spaced := _spaced_header(line, following.count("\t") + 1)):
            line = spaced
        if "\t" not in line:
            heading = match_heading(line.strip()) if columns else None
            if heading and heading[0] in ("cn", "pcn"):
                section = [s for s in section if s[0] == "cn" and heading[0] == "pcn"] + [heading[::2]]
            continue
        cells = line.split("\t")
        header = _header_columns(cells)
        if header:
            columns, section = header, []
            continue
        if not columns:
            continue

        def cell(key: str, cells: list[str] = cells, columns: dict[str, int] = columns) -> str:
            index = columns.get(key, -1)
            return cells[index].strip() if 0 <= index < len(cells) else ""

        number = cell("number")
        if columns["number"] >= 0 and not _TABLE_NUMBER.match(number):
            if tasks and not number and cell("task"):
                tasks[-1]["text"] += restore(cell("task"))  # a row continued on the next page
            continue
        counter += 1
        number = number or str(counter)
        text = cell("task")
        title = task_title(text)
        if cell("content"):
            title, text = text, cell("content")
        deadline = cell("deadline") or None
        lead, support = split_units(cell("lead"), definitions), split_units(cell("support"), definitions)
        if (
            not lead and not support
        ):  # an empty unit cell: the row's own text may name them (甲牵头…，乙配合…)
            lead, support = prose_note(text, definitions, NoteRules()) or ([], [])
            if not lead and not support:
                lead, support = _clause_roles(text, definitions)
        tasks.append(
            {
                "number": number,
                "path": [label for _style, label in section] + [number],
                "title": restore(title),
                "text": restore(text),
                "lead_units": [restore(u) for u in lead],
                "support_units": [restore(u) for u in support],
                "deadline": restore(deadline) if deadline else None,
                "due": due_date(deadline, year),
            }
        )
    return tasks
