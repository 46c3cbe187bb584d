"""Word's automatic list numbering as printed: numbering.xml levels, formats, lvlText, restarts, overrides.

python-docx gives a paragraph's text without its list number, yet most office files number their 一、/（一）
headings and their 序号 column this way; the rules need the numbers as the reader of the page sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_DIGITS = "〇一二三四五六七八九"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TRADITIONAL_LEGAL = "零壹貳參肆伍陸柒捌玖"


def chinese_counting(n: int, digits: str = _DIGITS, ten: str = "十", hundred: str = "百") -> str:
    """一 … 十 … 十一 … 二十 … 一百零一: the way Chinese documents count headings."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return str(n)
    parts = []
    thousands, rest = divmod(n, 1000)
    hundreds, rest = divmod(rest, 100)
    tens, ones = divmod(rest, 10)
    if thousands:
        parts.append(digits[thousands] + "千")
    if hundreds:
        parts.append(digits[hundreds] + hundred)
    elif thousands and (tens or ones):
        parts.append("零")
    if tens:
        parts.append(("" if tens == 1 and n < 20 else digits[tens]) + ten)
    elif (thousands or hundreds) and ones:
        if parts[-1] != "零":
            parts.append("零")
    if ones:
        parts.append(digits[ones])
    return "".join(parts)


def _letters(n: int, upper: bool) -> str:
    # Word repeats the letter: a … z, aa … zz
    base = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if upper else "abcdefghijklmnopqrstuvwxyz"
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
              (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip
    out = ""
    for value, letters in values:
        while n >= value:
            out += letters
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    """One counter in one of Word's number formats (ST_NumberFormat)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "koreanCounting", "taiwaneseCountingThousand", "japaneseDigitalTenThousand"):  # fmt: skip
        return chinese_counting(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return chinese_counting(n, _LEGAL, "拾", "佰")
    if fmt == "ideographLegalTraditional":
        return chinese_counting(n, _TRADITIONAL_LEGAL, "拾", "佰")
    if fmt in ("ideographTraditional",):
        return _HEAVENLY[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _EARTHLY[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join(_DIGITS[int(d)] for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "ideographEnclosedCircle":
        return chr(0x3220 + n - 1) if 1 <= n <= 10 else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n, False)
    if fmt == "upperLetter":
        return _letters(n, True)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # lvlRestart: the level (1-based) whose use restarts this one; 0 = never
    style: str | None = None
    suffix: str = "tab"
    legal: bool = False


@dataclass
class Numbering:
    """Levels of every list and the running counters, advanced paragraph by paragraph in document order."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[str, dict[int, tuple[int | None, Level | None]]] = field(default_factory=dict)
    style_numbering: dict[str, tuple[str, int | None]] = field(
        default_factory=dict
    )  # styleId -> (numId, ilvl)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        abstract_id = self.instances.get(num_id)
        if abstract_id is None:
            return None
        override = self.overrides.get(num_id, {}).get(ilvl)
        if override and override[1] is not None:
            return override[1]
        return self.abstract.get(abstract_id, {}).get(ilvl)

    def level_for_style(self, num_id: str, style: str) -> int | None:
        """A style-linked list names the style on one of its levels (w:pStyle)."""
        for ilvl, level in self.abstract.get(self.instances.get(num_id, ""), {}).items():
            if level.style == style:
                return ilvl
        return None

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """Advance the list's counter at this level; the label as printed and Word's suffix after it."""
        abstract_id = self.instances.get(num_id)
        if abstract_id is None or num_id == "0":
            return "", "nothing"
        self.abstract.get(abstract_id, {})
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            # a list instance with startOverride restarts its levels where it is first used
            self.started.add(num_id)
            for level_index, (start, _) in self.overrides.get(num_id, {}).items():
                if start is not None:
                    counters[level_index] = start - 1
        level = self.level(num_id, ilvl) or Level()
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            deeper_level = self.level(num_id, deeper) or Level()
            if deeper_level.restart != 0 and (
                deeper_level.restart is None or ilvl <= deeper_level.restart - 1
            ):
                del counters[deeper]
        label = level.text
        for index in range(9):
            token = f"%{index + 1}"
            if token in label:
                other = self.level(num_id, index) or Level()
                value = counters.get(index, other.start)
                fmt = "decimal" if level.legal and index != ilvl else other.fmt
                label = label.replace(token, format_number(value, fmt))
        if level.fmt == "bullet":
            return "", "nothing"
        return label, level.suffix


def _val(element, tag: str) -> str | None:
    child = element.find(W + tag)
    return child.get(W + "val") if child is not None else None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _parse_level(lvl) -> Level:
    text_node = lvl.find(W + "lvlText")
    restart = _int(_val(lvl, "lvlRestart"))
    return Level(
        fmt=_val(lvl, "numFmt") or "decimal",
        text=text_node.get(W + "val", "") if text_node is not None else "",
        start=_int(_val(lvl, "start"), 1) or 0,
        restart=restart,
        style=_val(lvl, "pStyle"),
        suffix=_val(lvl, "suff") or "tab",
        legal=lvl.find(W + "isLgl") is not None,
    )


def load_numbering(numbering_element, styles_element) -> Numbering:
    """Read numbering.xml (and the numbering that styles carry) into a Numbering."""
    numbering = Numbering()
    style_links: dict[str, str] = {}  # abstractNumId -> style whose numbering it takes (numStyleLink)
    if numbering_element is not None:
        for abstract in numbering_element.iterfind(W + "abstractNum"):
            abstract_id = abstract.get(W + "abstractNumId")
            numbering.abstract[abstract_id] = {
                _int(lvl.get(W + "ilvl"), 0): _parse_level(lvl) for lvl in abstract.iterfind(W + "lvl")
            }
            link = _val(abstract, "numStyleLink")
            if link:
                style_links[abstract_id] = link
        for num in numbering_element.iterfind(W + "num"):
            num_id = num.get(W + "numId")
            numbering.instances[num_id] = _val(num, "abstractNumId") or ""
            overrides: dict[int, tuple[int | None, Level | None]] = {}
            for override in num.iterfind(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0) or 0
                lvl = override.find(W + "lvl")
                overrides[ilvl] = (
                    _int(_val(override, "startOverride")),
                    _parse_level(lvl) if lvl is not None else None,
                )
            numbering.overrides[num_id] = overrides
    if styles_element is not None:
        based_on: dict[str, str] = {}
        direct: dict[str, tuple[str | None, int | None]] = {}
        for style in styles_element.iterfind(W + "style"):
            style_id = style.get(W + "styleId")
            parent = _val(style, "basedOn")
            if parent:
                based_on[style_id] = parent
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                direct[style_id] = (_val(num_pr, "numId"), _int(_val(num_pr, "ilvl")))
        for style_id in set(direct) | set(based_on):
            current, seen = style_id, set()
            while current and current not in direct and current not in seen:
                seen.add(current)
                current = based_on.get(current)
            if current in direct and direct[current][0]:
                numbering.style_numbering[style_id] = (direct[current][0], direct[current][1])
    # a list defined by a numbering style: take the levels of the list that style points to
    for abstract_id, style in style_links.items():
        num_id = numbering.style_numbering.get(style, (None, None))[0]
        target = numbering.instances.get(num_id or "")
        if target and target in numbering.abstract:
            numbering.abstract[abstract_id] = numbering.abstract[target]
    return numbering
