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


def drop_repeated_copies(lines: list[str]) -> list[str]:
    """Drop a second printing of the page: a run of long lines seen before, with the short lines inside it.

    A run starts at a repeated long line followed by further repeated long lines (a lone repeated title is
    kept), and ends at the first long line that is new.
    """
    keys = [line.replace(" ", "").replace("\t", "") for line in lines]
    first_seen: dict[str, int] = {}
    repeated = [False] * len(lines)
    long_positions: list[int] = []
    for index, key in enumerate(keys):
        if len(key) >= _LONG_LINE:
            repeated[index] = key in first_seen
            first_seen.setdefault(key, index)
            long_positions.append(index)
    next_long = {pos: long_positions[i + 1 : i + 3] for i, pos in enumerate(long_positions)}
    kept: list[str] = []
    in_copy = False
    for index, line in enumerate(lines):
        if index in next_long:
            if not repeated[index]:
                in_copy = False
            elif not in_copy:
                ahead = next_long[index]
                in_copy = all(repeated[i] for i in ahead) and len(ahead) == 2
        if not in_copy:
            kept.append(line)
    return kept


def build_document(raw_lines: Iterable[str], source_name: str | None = None) -> Document:
    """Normalise, simplify and clean the loaded lines."""
    original_chars: dict[str, str] = {}
    lines: list[str] = []
    for raw in raw_lines:
        for piece in raw.splitlines() or [""]:
            for line in unflatten(normalise_line(piece)):
                _add_line(line, lines, original_chars)
    return Document(drop_repeated_copies(lines), source_name, original_chars)


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
_BOUNDARY_BEFORE = "。；;:：）)」”!！?？ \t"


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
