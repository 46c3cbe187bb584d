"""Turn loaded lines into a clean, de-duplicated, simplified-character working document."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

try:  # the official OpenCC binding; conversion is optional so a missing wheel only loses traditional support
    import opencc

    _T2S = opencc.OpenCC("t2s")
except Exception:  # pragma: no cover - depends on the environment
    _T2S = None

# fullwidth digits/letters/punctuation that change nothing of meaning; mapping keeps line length
_WIDTH = str.maketrans(
    "０１２３４５６７８９％．﹒：，；（）\u3000\xa0",
    "0123456789%..:，；() " + " ",
)
_SPACES = re.compile(r"[ \u2002\u2003\u2009\u200b\ufeff]+")

# lines that belong to the web page, not to the plan
_CHROME = re.compile(
    r"^(站内检索|站内搜索|扫一扫|打印本页|关闭窗口|【?打印】?|上一篇|下一篇|相关链接|相关文章|分享到|"
    r"您现在的位置|当前位置|首\s*页|客服|在线咨询|顶部|返回顶部|复制链接|请复制以下链接|锁定$|"
    r"参考资料|主办[:：]|承办[:：]|协办[:：]|联系地址|联系我们|网站地图|版权所有|技术支持|"
    r"产业咨询热线|【\s*字体|字号[:：]|浏览次数|阅读次数|责任编辑|来源[:：]\s*本网|分享$|收藏$)"
    r"|Copyright|copyright|ICP备|ICP证|公网安备|违法和不良信息举报|增值电信业务"
)
# a line that is only a telephone/fax/number sequence or a lone symbol
_NOISE = re.compile(r"^[|\s\-_=*·•]*$")
_LONG_LINE = 20  # a repeated line at least this long marks a repeated copy of the page


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified, keeping the text's length when OpenCC allows."""
    if _T2S is None or not text:
        return text
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    # phrase conversions changed the length: convert per character so positions stay aligned
    return "".join(c if len(c) == 1 else o for o, c in ((o, _T2S.convert(o)) for o in text))


@dataclass
class Document:
    """The plan's text as simplified, normalised lines, and the way back to the document's own characters."""

    lines: list[str]
    source_name: str | None = None
    original_chars: dict[str, str] = field(default_factory=dict)

    def restore(self, text: str) -> str:
        """Give a string in the document's own (possibly traditional) characters."""
        if not self.original_chars or not text:
            return text
        return "".join(self.original_chars.get(c, c) for c in text)


def normalise_line(line: str) -> str:
    """Fold widths and collapse spaces but keep tabs, which separate table cells."""
    line = line.translate(_WIDTH)
    cells = [_SPACES.sub(" ", cell).strip() for cell in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return "\t".join(cells)


def is_chrome(line: str) -> bool:
    """Tell whether a line is page furniture rather than plan text."""
    return bool(_CHROME.search(line[:40])) or bool(_NOISE.match(line))


_NEAR = 0.7  # share of a line's sampled trigrams found in one earlier line for the two to be one text
_COMMON_GRAM = 8  # a trigram in more long lines than this is a phrase of the genre, not evidence of a copy
_LOOKUPS = 24  # sampled trigrams looked up per line to find the candidates
_NEAR_LINE = 40  # letters and digits a line needs to be compared inexactly
_MIN_ANCHORS = 8  # fewer sampled trigrams than this say too little: such a line repeats only exactly
# the trigrams sampled: those starting with an ideograph from every third run of 16 code points, so both
# printings sample the same ones (about a third) and the regular expression does the work in C
_ANCHOR = re.compile(
    "(?=(["
    + "".join(f"\\u{start:04x}-\\u{start + 0xF:04x}" for start in range(0x4E00, 0xA000, 0x30))
    + "][^\\W_]{2}))"
)


def _near_copies(keys: list[str], inexact: bool) -> tuple[list[list[int]], list[int]]:
    """Per line, the earlier long lines it repeats (none if new or short): the same text, or, as OCR reads
    two printings, one that with the long line after it holds 70 % of this line's sampled character
    trigrams (a misread character costs up to three; a paragraph cut or joined differently in one printing
    is held by it). Candidates are the lines sharing the most sampled trigrams, found through an index, so
    the work stays linear in the text. Also the long lines that can be judged: repeated exactly, or with
    enough sampled trigrams to tell."""
    seen_at: dict[str, list[int]] = {}  # every earlier line of the same text
    anchors_of: dict[int, set[str]] = {}
    index: dict[str, list[int]] = {}
    match: list[list[int]] = [[] for _ in keys]
    after: dict[int, int] = {}  # long line -> the next long line
    judged: list[int] = []
    previous = -1
    for i, key in enumerate(keys):
        if len(key) < _LONG_LINE:
            continue
        after[previous] = i
        previous = i
        letters = re.sub(r"[\W_]", "", key) if inexact else ""
        # a line shorter than a paragraph (a title, a list of titles, a signature) is restated in a
        # document's own text: it repeats only exactly
        anchors = set(_ANCHOR.findall(letters)) if len(letters) >= _NEAR_LINE else set()
        # text that came as text: every long line is judged, so a new one ends a copy (OCR text: those it can)
        if not inexact or key in seen_at or len(anchors) >= _MIN_ANCHORS:
            judged.append(i)
        if key in seen_at:
            match[i] = list(seen_at[key])
        elif len(anchors) >= _MIN_ANCHORS:
            hits: dict[int, int] = {}
            for gram in sorted(anchors)[:_LOOKUPS]:
                posting = index.get(gram, ())
                if len(posting) <= _COMMON_GRAM:
                    for j in posting:
                        hits[j] = hits.get(j, 0) + 1
            near = set()
            for j in sorted(hits, key=lambda j: -hits[j])[:3]:
                # the earlier printing's line with the long line after it: this line may join the two
                other = anchors_of[j] | anchors_of.get(after.get(j, -1), set())
                if len(anchors & other) >= _NEAR * len(anchors):
                    near.add(j)
            # a line near the one before its match only through that match is the match's
            near = {j for j in near if after.get(j) not in near}
            if len(near) > 1:
                judged.pop()  # near several earlier lines (rows of one template): it tells nothing
            match[i] = sorted(near) if len(near) == 1 else []
        places = seen_at.setdefault(key, [])
        if len(places) < 40:  # a line printed more often than that is a rule, not a page
            places.append(i)
        anchors_of[i] = anchors
        for gram in anchors:
            index.setdefault(gram, []).append(i)
    return match, judged


def drop_repeated_copies(lines: list[str], *, inexact: bool = False) -> list[str]:
    """Drop a second printing of the page: a run of long lines seen before, with the short lines inside it.

    A run starts at a repeated long line followed by two further repeated long lines, each repeating a line
    some way before the run and no earlier than the one before it repeats (a lone repeated title is kept;
    rows of a table that differ in a word or two repeat their neighbours, not a printing before them), and
    ends at the first long line that is new or repeats out of order. Lines repeat exactly, or, with inexact
    (text read by OCR, which reads two printings differently), nearly (`_near_copies`); the near comparison
    costs more than the rest of the reading of a text file, so text that came as text skips it.
    """
    keys = [line.replace(" ", "").replace("\t", "") for line in lines]
    match, judged = _near_copies(keys, inexact)
    # a long line too short to judge once OCR misread it goes with the lines around it, like a short one
    next_long = {pos: judged[i + 1 : i + 3] for i, pos in enumerate(judged)}
    kept: list[str] = []
    in_copy = False
    start = last = 0

    rank = {pos: i for i, pos in enumerate(i for i, key in enumerate(keys) if len(key) >= _LONG_LINE)}

    def follows(index: int, after: int, gap: int = 1) -> int | None:
        """The first line this one repeats at or after `after` and `gap` long lines or more before the run
        (None if there is none)."""
        return next((j for j in match[index] if after <= j and rank[j] <= rank[start] - gap), None)

    for index, line in enumerate(lines):
        if index in next_long:
            if in_copy:
                source = follows(index, last)
                in_copy = source is not None
                last = source if source is not None else last
            if not in_copy and match[index] and len(next_long[index]) == 2:
                start, chain, in_copy = index, 0, True
                for i in [index, *next_long[index]]:
                    # rows of one template resemble their neighbours; the printing a copy repeats is further
                    source = follows(i, chain, gap=3)
                    if source is None:
                        in_copy = False
                        break
                    chain = source
                last = follows(index, 0) or 0
        if not in_copy:
            kept.append(line)
    return kept


def build_document(
    raw_lines: Iterable[str], source_name: str | None = None, *, ocr: bool = False
) -> Document:
    """Normalise, simplify and clean the loaded lines."""
    original_chars: dict[str, str] = {}
    lines: list[str] = []
    normalised = [normalise_line(piece) for raw in raw_lines for piece in (raw.splitlines() or [""])]
    if any(_looks_flattened(line) for line in normalised):
        normalised = _unflatten_page(normalised)
    for line in normalised:
        _add_line(line, lines, original_chars)
    return Document(drop_repeated_copies(lines, inexact=ocr), source_name, original_chars)


_OPEN_END = re.compile(r"[^。；;！!？?：:）)」”]$")


def _looks_flattened(line: str) -> bool:
    """A line as long as a page holding several numbered items (一、/（一）/1.) in it."""
    return (
        len(line) >= _FLAT_LINE
        and "\t" not in line
        and (len(_MARKER.findall(line)) >= 3 or bool(_FLAT_TABLE_HEAD.search(line)))
    )


def _unflatten_page(lines: list[str]) -> list[str]:
    """A page printed as one paragraph, read as a whole: pieces cut mid-sentence (where a PDF's pages end)
    are joined again, and the items are found over the whole run so their numbering runs across the cuts."""
    result: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            text = run[0]
            for previous, line in zip(run, run[1:], strict=False):
                glue = "" if len(previous) >= 20 and _OPEN_END.search(previous) else "\n"
                text += glue + line
            parts = unflatten(text)
            if len(parts) > 1:
                result.extend(part for chunk in parts for part in chunk.split("\n") if part.strip())
            else:
                result.extend(run)  # no items found: the lines stay as they were
            run.clear()

    for line in lines:
        if "\t" in line or not line:
            flush()
            if line:
                result.append(line)
        else:
            run.append(line)
    flush()
    return result


def _add_line(line: str, lines: list[str], original_chars: dict[str, str]) -> None:
    """Keep a line in simplified characters unless it is page furniture, remembering the originals."""
    if not line:
        return
    simple = to_simplified(line)
    if simple != line and len(simple) == len(line):
        for o, s in zip(line, simple, strict=True):
            if o != s and "\u4e00" <= s <= "\u9fff":
                original_chars.setdefault(s, o)
    if not is_chrome(simple):
        lines.append(simple)


# --- pages flattened onto one line by a web archiver -------------------------------------------------------
_FLAT_LINE = 600  # a line this long that holds numbered items one after another is a flattened page
_GAP = re.compile(r"(?<=[^\sA-Za-z0-9:/.\-])\s+(?=[^\sA-Za-z0-9:/.\-])")
_DATE_HEAD = re.compile(r"^((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)(?=[\u4e00-\u9fff]{4})")
_CN_DIGITS = "一二三四五六七八九十"
_MARKER = re.compile(
    rf"(?P<cn>[{_CN_DIGITS}]{{1,3}})、(?=[\u4e00-\u9fff“《])"
    rf"|[(（](?P<pcn>[{_CN_DIGITS}]{{1,3}})[)）](?=\s*[\u4e00-\u9fff“《])"
    r"|(?<![\d.．])(?P<ar>\d{1,2})(?:[.．﹒、])(?=[\u4e00-\u9fff“《])"
    r"|[(（](?P<par>\d{1,2})[)）](?=[\u4e00-\u9fff“《])"
)
_LEVEL = {"cn": 0, "pcn": 1, "ar": 2, "par": 3}
_BOUNDARY_BEFORE = "。；;:：）)」”!！?？ \t\n"


def _marker_value(style: str, token: str) -> int | None:
    if style in ("ar", "par"):
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _CN_DIGITS.index(token[1]) + 1 if len(token) == 2 else None
    if len(token) == 1:
        return _CN_DIGITS.index(token) + 1
    if len(token) == 2 and token[1] == "十":
        return (_CN_DIGITS.index(token[0]) + 1) * 10
    if len(token) == 3 and token[1] == "十":
        return (_CN_DIGITS.index(token[0]) + 1) * 10 + _CN_DIGITS.index(token[2]) + 1
    return None


def _item_starts(line: str) -> list[int]:
    """Positions where numbered items begin in a flattened line: each style must run 1, 2, 3 … in order.

    A lower level may restart at 1 after a higher one; a number that does not continue its style's run
    (统一、 in a sentence, 2.5%) is text. A 1 glued to a word counts only when the run it starts goes on.
    """
    candidates = []
    for match in _MARKER.finditer(line):
        style = next(k for k in _LEVEL if match.group(k))
        value = _marker_value(style, match.group(style))
        if value:
            candidates.append((match.start(), style, value))
    last: dict[str, int] = {}
    starts: list[int] = []
    for index, (position, style, value) in enumerate(candidates):
        expected = last.get(style, 0) + 1
        restart = value == 1 and style in last
        if value != expected and not restart:
            continue
        before = line[position - 1] if position else " "
        if before not in _BOUNDARY_BEFORE and value == 1:
            # a 1 glued to the previous word starts a run only when its 2 follows
            if not any(s == style and v == 2 for _p, s, v in candidates[index + 1 :]):
                continue
        if restart:
            # restarting a level means a higher level began since its last item
            for lower, level in _LEVEL.items():
                if level > _LEVEL[style]:
                    last.pop(lower, None)
        last[style] = value
        starts.append(position)
    return starts


def unflatten(line: str) -> list[str]:
    """Split a whole page run onto one line back into its paragraphs and numbered items."""
    if len(line) < _FLAT_LINE or "\t" in line:
        return [line]
    table = _FLAT_TABLE_HEAD.search(line)
    if table and _TABLE_UNIT_COLUMN.search(table.group("cells")):
        rows = flat_table_rows(table.group("cells").split(), line[table.end() :])
        if rows:
            before = line[: table.start()]
            pieces = unflatten(before)
            if len(pieces) == 1:  # no numbered items before the table: its paragraphs still come apart
                pieces = [p.strip() for p in _GAP.split(before) if p.strip()]
            return pieces + rows
    pieces: list[str] = []
    for piece in _GAP.split(line):
        match = _DATE_HEAD.match(piece)
        if match:  # 2023年3月30日平潭…工作方案: the signature date, then the plan's own title
            pieces += [match.group(1), piece[match.end() :]]
        else:
            pieces.append(piece)
    text = "\n".join(pieces)
    starts = [p for p in _item_starts(text) if p > 0]
    if len(starts) < 3:
        return [line]
    lines: list[str] = []
    previous = 0
    for start in starts:
        lines.append(text[previous:start])
        previous = start
    lines.append(text[previous:])
    result: list[str] = []
    for chunk in lines:
        for part in chunk.split("\n"):
            part = part.strip()
            if not part:
                continue
            if result and _bare_marker(result[-1]):
                result[-1] += part  # （一） printed alone before its title
            else:
                result.append(part)
    return result


def _bare_marker(text: str) -> bool:
    return bool(
        re.fullmatch(rf"[(（][{_CN_DIGITS}\d]{{1,3}}[)）]|[{_CN_DIGITS}]{{1,3}}、|\d{{1,2}}[.．、]", text)
    )


# --- a task table flattened onto one line: 序号 项目名称 … 责任单位 … 负责事项 1 甲项目 … 2 乙项目 … ----------
# the header: 序号 and short column names up to the first row (1 …) or section row (一、…)
_FLAT_TABLE_HEAD = re.compile(
    r"(?:^|\s)序号\s+(?P<cells>(?:[^\s，。；,;]{2,14}\s+){3,14}?)(?=1\s|[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])"
)
_TABLE_UNIT_COLUMN = re.compile(r"牵头单位|责任单位|责任部门|负责单位|牵头部门|配合单位")
_TABLE_DEADLINE_COLUMN = re.compile(r"时限|完成时间|时间节点")
_SECTION_CELL = re.compile(rf"^(?:[{_CN_DIGITS}]{{1,3}}、|[(（][{_CN_DIGITS}]{{1,3}}[)）])\S")
_CELL_LABEL = re.compile(r"(牵头单位|牵头部门|责任单位|配合单位|配合部门|参与单位)\s*[:：]\s*")
_PERSON = re.compile(r"[\u4e00-\u9fff·]{2,8}")  # 郭小童, 欧阳晓波, 欧阳晓波邓连生 (two names glued)
_CELL_DEADLINE = re.compile(
    r"(?:(?:19|20)\d{2}年)?(?:\d{1,2}月(?:\d{1,2}日|底|末)?|年?底|年内|上半年|下半年)前?(?:完成)?"
    r"|长期坚持|持续推进|常态化推进|长期"
)


def _cell_kind(cell: str) -> str:
    """S a sentence (content, duties), D digits (amounts, phone numbers), U a unit's name, P a person, O other."""
    from .units import ends_like_unit  # units reads names; this module only cleans text

    if re.search(r"[，。；,;:：]", cell) or len(cell) > 24 or re.search(r"负责|对接|做好", cell):
        return "S"
    if re.search(r"\d", cell):
        return "D"
    if all(ends_like_unit(part) for part in re.split(r"[、]", cell) if part):
        return "U"
    if _PERSON.fullmatch(cell):
        return "P"
    return "O"


def flat_table_rows(header: list[str], body: str) -> list[str] | None:
    """A task table whose cells a web archiver ran together (序号 项目名称 项目内容 … 牵头领导 责任单位 责任单位负责人
    负责事项 1 甲项目 … 2 乙项目 …) rebuilt as tab-separated rows of 序号/事项/内容/牵头单位/配合单位/完成时限.

    Rows start at their numbers 1, 2, 3 … in order; 一、…/（一）… cells right before a row are section rows. In a
    row the first cell is its name; the units are the cells after 牵头单位：/配合单位： when printed, else the run of
    names between two people (牵头领导 and 负责人), the last such run before the duties. None when no rows.
    """
    body = _CELL_LABEL.sub(lambda m: f" {m.group(1)}： ", body)
    cells = body.split()
    rows: list[tuple[list[str], list[str]]] = []  # (section cells before the row, the row's cells)
    pending: list[str] = []
    current: list[str] | None = None
    for index, cell in enumerate(cells):
        following = cells[index + 1] if index + 1 < len(cells) else ""
        expected = str(len(rows) + 1)
        glued = re.match(rf"{expected}(?=[\u4e00-\u9fff“])", cell)
        if glued and index and (cells[index - 1][-1] in "。；;" or _SECTION_CELL.match(cells[index - 1])):
            # 25海峡人寿保险项目: the row's number glued to its name (a PDF's text lost the space), after the
            # previous row's duties end their sentence
            cells.insert(index + 1, cell[glued.end() :])
            cell = expected
            following = cells[index + 1]
        if cell == expected and following and not following[0].isdigit():
            current = []
            rows.append((pending, current))
            pending = []
            continue
        if _SECTION_CELL.match(cell) and (following == str(len(rows) + 1) or _SECTION_CELL.match(following)):
            pending.append(cell)
            continue
        if current is not None:
            current.append(cell)
    if len(rows) < 3:
        return None
    with_deadline = any(_TABLE_DEADLINE_COLUMN.search(c) for c in header)
    split_roles = any(re.search(r"牵头", c) for c in header) and any(
        re.search(r"配合|参与|协办", c) for c in header
    )
    lines = ["序号\t事项\t内容\t牵头单位\t配合单位\t完成时限"]
    for number, (sections, row) in enumerate(rows, start=1):
        lines += sections
        if not row:
            continue
        title, rest = row[0], row[1:]
        lead, support = _row_units(rest)
        if split_roles and not support and len(lead) > 1:
            # 牵头单位 and 配合单位 columns whose cells ran together: where one ends is lost; most rows have one lead
            lead, support = lead[:1], lead[1:]
        duties = [c for c in rest if _cell_kind(c) == "S"]
        deadline = ""
        if with_deadline:
            deadline = next((c for c in rest if _CELL_DEADLINE.fullmatch(c)), "")
        text = "".join(duties[-1:]) if duties else ""
        lines.append("\t".join([str(number), title, text, "、".join(lead), "、".join(support), deadline]))
    return lines


def _row_units(cells: list[str]) -> tuple[list[str], list[str]]:
    labels = {c: i for i, c in enumerate(cells) if _CELL_LABEL.fullmatch(c + " ")}
    if labels:
        lead: list[str] = []
        support: list[str] = []
        role: list[str] | None = None
        for cell in cells[min(labels.values()) :]:
            if cell in labels:
                role = support if cell.startswith(("配合", "参与")) else lead
                continue
            if _cell_kind(cell) not in ("U", "O") or role is None:
                break
            role += _unglued(cell)
        return lead, support
    kinds = [_cell_kind(c) for c in cells]
    runs: list[list[str]] = []
    index = 0
    while index < len(cells):
        if kinds[index] in ("U", "O"):
            end = index
            while end < len(cells) and kinds[end] in ("U", "O"):
                end += 1
            before = kinds[index - 1] if index else ""
            after = kinds[end] if end < len(cells) else ""
            if "U" in kinds[index:end] and before in ("P", "D") and after in ("P", "S"):
                runs.append(cells[index:end])
            index = end
        else:
            index += 1
    return ([name for cell in runs[-1] for name in _unglued(cell)] if runs else []), []


def _unglued(cell: str) -> list[str]:
    """区环境与国土资源局区规划局: names of one place run together start again with its first character."""
    head = cell[0] if cell[0] in "省市县区州旗盟" else None
    return [p for p in re.split(rf"(?<=[局委办厅部室会])(?={head})", cell) if p] if head else [cell]
