"""Header fields: title, 文号, issuer, date of issue and the period a plan covers."""

from __future__ import annotations

import re
from datetime import date

import cn2an

_CN_YEAR_DIGITS = "〇零一二三四五六七八九"
_NOTICE = re.compile(
    r"^(?:标\s*题[:：]\s*)?(?P<issuer>[^:：]{2,60}?)?(?:关于)?(?:印发|发布|下达|转发)(?P<title>.{4,100}?)的(?:通知|函|批复)$"
)
# a news item reporting a notice: 近日国家能源局印发2022年…工作要点的通知。
_REPORTED_NOTICE = re.compile(
    r"(?:近日|日前|近期|最近)，?(?P<issuer>[\u4e00-\u9fff]{2,30}?)(?:联合)?印发(?:了)?(?P<title>[^，。；]{4,80}?)的通知"
)
# the title of a 公文 printed over two or three lines at the top: 国务院关于促进综合保税区 / 高水平开放…的若干意见
_DOCUMENT_KIND = re.compile(r"(?:通知|意见|批复|函|决定|方案|规划|计划|要点|纲要|办法|报告|通报)$")
_PLAN_WORDS = r"(?:实施方案|工作方案|方案|规划|计划|意见|要点|纲要|办法|清单|安排|措施|协议)"
_TITLE = re.compile(
    rf"^(?P<title>[^。，,；;:：!?！？]{{4,80}}?{_PLAN_WORDS}(?:\s*[(（][^()（）]{{2,20}}[)）])?)$"
)
DOC_NUMBER = re.compile(
    r"(?P<number>[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d{1,4}\s*号)"
)
_LABELS = {
    "doc_number": re.compile(r"^(?:文\s*号|发文字号|发文文号|文件编号)\s*[:：]?\s*(?P<value>.*)$"),
    "issuer": re.compile(
        r"^(?:发文机关|发文单位|发布单位|发布机构|印发单位|成文机关|制发机关|发文机构)\s*[:：]?\s*(?P<value>.*)$"
    ),
    "issued_on": re.compile(
        r"^(?:成文日期|生成日期|发文日期|印发日期|签发日期|成文时间)\s*[:：]?\s*(?P<value>.*)$"
    ),
    "published_on": re.compile(r"^(?:发布日期|发布时间|公布日期|发文时间)\s*[:：]?\s*(?P<value>.*)$"),
    "title": re.compile(r"^(?:标\s*题|名\s*称|文件名称)\s*[:：]\s*(?P<value>.+)$"),
    "source": re.compile(r"^(?:来\s*源|信息来源|文章来源)\s*[:：]\s*(?P<value>.+)$"),
}
_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_YEAR_DIGITS}]{{4}})\s*[年\-/.]\s*(?P<m>\d{{1,2}}|[十{_CN_YEAR_DIGITS}]{{1,2}})\s*[月\-/.]\s*"
    rf"(?P<d>\d{{1,2}}|[十{_CN_YEAR_DIGITS}]{{1,3}})\s*日?"
)
# 。平潭综合实验区管委会 2016年2月5日: the sender's name and the date right after a notice's last sentence
_SIGNED = re.compile(
    r"[。]\s*[\u4e00-\u9fff]{2,30}(?:人民政府|政府|办公厅|办公室|委员会|管委会|厅|局|委|办)\s*"
    r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
)
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_ORG_END = re.compile(r"(人民政府|政府|办公厅|办公室|委员会|领导小组|工作组|厅|局|委|办|部|院|署|会)$")
_FIVE_YEAR = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
_YEAR_SPAN = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:[—\-~～–－]+|至|到)\s*((?:19|20)\d{2})\s*年")
_PERIOD_SENTENCE = re.compile(
    r"(?:^|[，。；])从((?:19|20)\d{2})\s*年\s*(?:到|至)\s*((?:19|20)\d{2})\s*年"
    r"|(?:期限|时限|周期|实施期|规划期|执行期)(?:暂定|确定)?(?:为|是|:|：)?\s*((?:19|20)\d{2})\s*年?\s*(?:[—\-~～–－]+|至|到)\s*((?:19|20)\d{2})\s*年"
)
# （2015-2020）in a title: a span in brackets needs no 年
_BRACKET_SPAN = re.compile(r"[(（]\s*((?:19|20)\d{2})\s*[—\-~～–－至到]+\s*((?:19|20)\d{2})\s*年?\s*[)）]")
_SINGLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# 文号 prefixes of provincial governments (a fixed national list, not any one plan's)
_PROVINCE_ABBREVIATIONS = {
    "京": "北京市", "津": "天津市", "冀": "河北省", "晋": "山西省", "内": "内蒙古自治区", "辽": "辽宁省", "吉": "吉林省",
    "黑": "黑龙江省", "沪": "上海市", "苏": "江苏省", "浙": "浙江省", "皖": "安徽省", "闽": "福建省", "赣": "江西省",
    "鲁": "山东省", "豫": "河南省", "鄂": "湖北省", "湘": "湖南省", "粤": "广东省", "桂": "广西壮族自治区", "琼": "海南省",
    "渝": "重庆市", "川": "四川省", "黔": "贵州省", "云": "云南省", "藏": "西藏自治区", "陕": "陕西省", "甘": "甘肃省",
    "青": "青海省", "宁": "宁夏回族自治区", "新": "新疆维吾尔自治区",
}  # fmt: skip


def parse_date(text: str) -> str | None:
    """ISO date from 2022年4月7日, 2022-04-07 or 二〇二二年四月七日; None when there is none."""
    match = _DATE.search(text)
    if not match:
        return None
    try:
        parts = [
            int(cn2an.cn2an(match.group(k).replace("〇", "零"), "smart"))
            if not match.group(k).isdigit()
            else int(match.group(k))
            for k in "ymd"
        ]
        if parts[0] < 1900 and not match.group("y").isdigit():
            parts[0] = int("".join(str(_CN_YEAR_DIGITS.index(c) % 10) for c in match.group("y")))
        return date(*parts).isoformat()
    except (ValueError, TypeError, KeyError, IndexError):
        return None


_WRAPPERS = {"《": "》", "<": ">", "〈": "〉", "“": "”", '"': '"'}


def _compact(text: str) -> str:
    """The title without spaces and without the marks that wrap it whole (《…》); a quote that only opens
    its first word stays (“无废城市”建设试点工作方案)."""
    text = re.sub(r"\s+", "", text)
    while len(text) > 1 and text[0] in _WRAPPERS and text.endswith(_WRAPPERS[text[0]]):
        inner = text[1:-1]
        if _WRAPPERS[text[0]] in inner and text[0] != _WRAPPERS[text[0]]:
            break  # “甲”建设“乙”: the marks belong to words inside, not around the title
        text = inner
    while text and text[0] in _WRAPPERS and _WRAPPERS[text[0]] not in text[1:]:
        text = text[1:]  # an opening mark left alone by a cut line
    closers = {close: open_ for open_, close in _WRAPPERS.items()}
    while text and text[-1] in closers and closers[text[-1]] not in text[:-1]:
        text = text[:-1]
    return text


def issuer_from_doc_number(number: str) -> str | None:
    """鄂政函〔2014〕220号 → 湖北省人民政府; 国办发 → 国务院办公厅."""
    if number.startswith(("国办发", "国办函")):
        return "国务院办公厅"
    if number.startswith(("国发", "国函")):
        return "国务院"
    match = re.match(r"^(.)政(办)?(?:发|函|规|电)", number)
    if match and match.group(1) in _PROVINCE_ABBREVIATIONS:
        province = _PROVINCE_ABBREVIATIONS[match.group(1)]
        return province + ("人民政府办公厅" if match.group(2) else "人民政府")
    return None


def _labelled(lines: list[str], field: str) -> str | None:
    """Value of a header label printed as 'label: value' or as 'label' with the value on the next line."""
    pattern = _LABELS[field]
    for index, line in enumerate(lines[:80]):
        for segment in re.split(r"\s{2,}|\t|•", line):
            match = pattern.match(segment.strip(" •"))
            if not match:
                continue
            value = match.group("value").strip()
            if not value and index + 1 < len(lines):
                value = lines[index + 1].strip()
            if value:
                return value
    return None


def _wrapped_title(lines: list[str]) -> str | None:
    """A title printed over up to four short lines at the very top, ending with the kind of document.

    The block ends where the 文号 or the addressees (…：) begin; it starts at the issuer's line before 关于
    (国务院办公厅 / 关于湖北省…), so a web page's own name printed above it is left out.
    """
    block: list[str] = []
    for index, line in enumerate(lines[:5]):
        if (
            len(line) > 40
            or re.search(r"[。，,；;:：]", line)
            or DOC_NUMBER.search(line)
            or _DATE.search(line)
        ):
            break
        block.append(line.strip())
        following = lines[index + 1] if index + 1 < len(lines) else ""
        ends_block = bool(DOC_NUMBER.search(following[:30])) or following.rstrip().endswith((":", "："))
        if not ends_block:
            continue
        first = next((i for i, piece in enumerate(block) if "关于" in piece), 0)
        if first and block[first].startswith("关于"):
            first -= 1  # the issuer printed on its own line above 关于…
        joined = "".join(block[first:])
        if _DOCUMENT_KIND.search(joined) and len(joined) >= 8:
            return joined
        return None
    return None


def _joint(issuer: str) -> str:
    """国家发展改革委 国家能源局 (joint issuers side by side) → 国家发展改革委、国家能源局."""
    names = [n for n in re.split(r"\s+|、", issuer.strip()) if n]
    if len(names) > 1 and all(_ORG_END.search(n) for n in names):
        return "、".join(names)
    return _compact(issuer)


def _wrapped_notice(lines: list[str]) -> str | None:
    """A notice title wrapped after its first long line (…领导小组关于印发2023年…任务 / 分工方案的通知): the
    line with 印发 and no sentence punctuation, and the short line ending 的通知/函/批复 under it."""
    for first, second in zip(lines[:30], lines[1:31], strict=False):
        if "印发" not in first or re.search(r"[。，,；;:：]", first + second) or len(second) > 30:
            continue
        joined = (first + second).replace("\t", " ").strip()
        if re.search(r"的(?:通知|函|批复)$", second.strip()) and _NOTICE.match(joined):
            return joined
    return None


def find_notice_title(lines: list[str]) -> str | None:
    """The covering notice's own title (关于印发《X》的通知) when the plan came with one."""
    candidates = [
        c for c in (_labelled(lines, "title"), _wrapped_title(lines), _wrapped_notice(lines)) if c
    ] + list(lines[:120])
    for line in candidates:
        line = re.sub(r"^标\s*题[:：]\s*", "", line.replace("\t", " ")).strip()
        if _NOTICE.match(line):
            return re.sub(r"\s+", "", line)
    return None


_LOOSE = {"(": "[(（]", "（": "[(（]", ")": "年?[)）]", "）": "年?[)）]", "-": "[-—–－]", "—": "[-—–－]"}


def _as_printed_below(title: str, lines: list[str]) -> str:
    """The title as the document itself prints it further down, when that spelling differs only in brackets,
    dashes or a 年 (行动计划（2021-2023年） under a page title printing (2021—2023年); 规划（2015-2020年）
    under a notice printing 规划（2015-2020））. A print inside 《》 cites the plan and does not count."""
    pattern = re.compile("".join(_LOOSE.get(char, re.escape(char)) for char in title))
    seen_title = False
    for line in lines[:400]:
        compact = line.replace(" ", "").replace("\t", "")
        for found in pattern.finditer(compact):
            if found.group(0) == title:
                seen_title = True
            elif seen_title and compact[max(0, found.start() - 1) : found.start()] != "《":
                return found.group(0)
    return title


def find_title(lines: list[str]) -> tuple[str | None, str | None]:
    """The plan's own title and, when it comes from a covering notice, the notice's issuer."""
    candidates = list(lines[:120])
    wrapped = _wrapped_title(lines)
    if wrapped:
        candidates.insert(0, wrapped)
    notice = _wrapped_notice(lines)
    if notice:
        candidates.insert(0, notice)
    labelled = _labelled(lines, "title")
    if labelled:
        candidates.insert(0, labelled)
    for line in candidates:
        match = _NOTICE.match(line.replace("\t", " "))
        if match:
            title = _compact(match.group("title"))
            # 印发《甲方案》及项目任务分解表的通知: the plan is 甲, what comes with it is its attachment
            title = re.sub(r"^《([^《》]{4,80})》(?:及|和|暨|以及).{2,40}$", r"\1", title)
            issuer = _joint(re.sub(r"关于$", "", match.group("issuer") or "")) or None
            if issuer is None:  # 印发《X》的通知 in the page title; the body may print who sent it
                for other in lines[:120]:
                    again = _NOTICE.match(other)
                    if again and again.group("issuer") and _compact(again.group("title")) == title:
                        issuer = _compact(re.sub(r"关于$", "", again.group("issuer"))) or None
                        break
            return _as_printed_below(title, lines), issuer
    if wrapped:
        return _compact(wrapped), None
    for line in lines[:20]:
        match = _REPORTED_NOTICE.search(line)
        if match:
            return _compact(match.group("title")), _compact(match.group("issuer"))
    for line in lines[:120]:
        match = _TITLE.match(line)
        if match and not line.startswith(("《", "根据", "按照", "为")):
            return _compact(match.group("title")), None
    return None, None


def find_doc_number(lines: list[str]) -> str | None:
    """The 文号 from a label or from a short line of its own (not one cited inside a sentence)."""
    labelled = _labelled(lines, "doc_number")
    if labelled:
        match = DOC_NUMBER.search(labelled)
        if match:
            return _compact(match.group("number"))
    for line in lines[:150]:
        # a 文号 printed right after the date (2014年12月6日鄂政函〔2014〕220号, its space lost): the date's 日
        # is not part of the issuer's code
        line = _DATE.sub(lambda date: " " * len(date.group(0)), line)
        match = DOC_NUMBER.search(line)
        if not match:
            continue
        if match.start() == 0 and not re.match(r"[，,。的]|文件|精神|要求", line[match.end() :]):
            return _compact(match.group("number"))  # 岚综管综〔2015〕206号 heading a run-together page
        rest = (line[: match.start()] + line[match.end() :]).strip(" ()（）")
        rest = _DATE.sub("", rest).strip(" ()（）,，")
        if len(rest) <= 6:
            return _compact(match.group("number"))
    return None


def find_issued_on(lines: list[str]) -> str | None:
    """Date of issue: a labelled 成文/生成日期, a date line standing alone (the signature) or beside the 文号,
    else a publication date without a clock time (a clock time marks the web page's own timestamp)."""
    labelled = _labelled(lines, "issued_on")
    if labelled and parse_date(labelled):
        return parse_date(labelled)
    for line in lines[:200]:
        bare = re.sub(r"[\s()（）]", "", line)
        match = _DATE.search(bare)
        if not match or _CLOCK.search(line) or len(bare) > 40:
            continue
        rest = (bare[: match.start()] + bare[match.end() :]).strip()
        if not rest or DOC_NUMBER.fullmatch(rest):
            return parse_date(bare)
        if match.start() > 0 and not rest[match.start() :] and _ORG_END.search(rest) and len(rest) <= 30:
            return parse_date(bare)  # the 落款 on one line: 平潭综合实验区管委会办公室 2015年9月10日
    joined = "\n".join(lines[:200])
    signed = _SIGNED.search(joined)
    if signed:
        return parse_date(signed.group("date"))
    published = _labelled(lines, "published_on")
    if published and not _CLOCK.search(published):
        return parse_date(published)
    return None


def find_period(title: str | None, lines: list[str]) -> dict | None:
    """First and last year: from the title's (2021—2025年) or 十四五, a stated 期限, or an annual plan's year."""
    text_title = title or ""
    match = _YEAR_SPAN.search(text_title) or _BRACKET_SPAN.search(text_title)
    if match:
        return {"start_year": int(match.group(1)), "end_year": int(match.group(2))}
    for name, (start, end) in _FIVE_YEAR.items():
        if name in text_title:
            return {"start_year": start, "end_year": end}
    for index, line in enumerate(lines):
        for match in _PERIOD_SENTENCE.finditer(line):
            years = [int(y) for y in match.groups() if y]
            if match.group(1) and index >= 40:
                continue  # 从…到… near the top states the span; deep in the body it dates one measure
            return {"start_year": years[0], "end_year": years[1]}
    years = set(_SINGLE_YEAR.findall(text_title))
    if len(years) == 1:  # an annual plan: 2023年…工作要点 / 关于2024年…的方案
        year = int(years.pop())
        return {"start_year": year, "end_year": year}
    return None


def _wrapped_name(names: list[str]) -> bool:
    """Two lines of one long name (…与乡村振兴 / 工作领导小组): the first line alone is not a whole name."""
    return any(len(n) >= 14 for n in names[:-1])


def _signature(lines: list[str]) -> str | None:
    """The 落款: the first of the body names printed on their own lines right above a date line standing alone."""
    for index, line in enumerate(lines[:400]):
        bare = re.sub(r"\s", "", line)
        match = _DATE.fullmatch(bare)
        if not match or index == 0:
            continue
        names: list[str] = []
        above = index - 1
        while above >= 0 and len(names) < 4:
            name = _compact(lines[above])
            if re.search(r"[，,。；;：:、]", name) or not 2 <= len(name) <= 30:
                break
            if not _ORG_END.search(name):
                if names and len(name) >= 8:  # …与乡村振兴 / 工作领导小组: one long name over two lines
                    names[0] = name + names[0]
                break
            names.insert(0, name)
            above -= 1
        if len(names) > 1 and all(_ORG_END.search(n) for n in names) and not _wrapped_name(names):
            return "、".join(names)  # joint issuers sign one per line
        if names:
            return names[0]
    return None


_INLINE_SIGNATURE = re.compile(
    r"(?:^|[。！!])\s*(?P<name>[^\s，,。；;：:、《》“”]{2,30}?)\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
)


def _inline_signature(lines: list[str]) -> str | None:
    """The 落款 of a page flattened onto one line: a body's name right after the notice's last sentence and
    right before the date (…请认真组织实施。 平潭综合实验区管委会办公室 2015年8月31日)."""
    for line in lines[:400]:
        for match in _INLINE_SIGNATURE.finditer(line):
            if _ORG_END.search(match.group("name")):
                return match.group("name")
    return None


def find_issuer(lines: list[str], notice_issuer: str | None, doc_number: str | None) -> str | None:
    """The issuing body: the covering notice's sender, a labelled issuer, the 文号's office, or the 来源."""
    if notice_issuer:
        return notice_issuer
    labelled = _labelled(lines, "issuer")
    if labelled and _ORG_END.search(_compact(labelled.split()[0])):
        return _compact(labelled.split()[0])
    # a 发布机构 label naming the website (中国平潭) is no body: the 文号 or the signature says who issued it
    if doc_number:
        guessed = issuer_from_doc_number(doc_number)
        if guessed:
            return guessed
    signed = _signature(lines) or _inline_signature(lines)
    if signed:
        return signed
    source = _labelled(lines, "source")
    if source:
        source = _compact(re.split(r"\s|时间|发布", source)[0])
        if _ORG_END.search(source):
            return source
    return None


def extract_header(lines: list[str]) -> dict:
    """All header fields of the plan format."""
    title, notice_issuer = find_title(lines)
    notice_title = find_notice_title(lines)
    doc_number = find_doc_number(lines)
    return {
        "title": title,
        "doc_number": doc_number,
        "issuer": find_issuer(lines, notice_issuer, doc_number),
        "issued_on": find_issued_on(lines),
        "period": find_period(title, lines),
        # the covering notice's own title, kept beside the plan's (an extra field of the format)
        "notice_title": notice_title if notice_title and _compact(notice_title) != title else None,
    }
