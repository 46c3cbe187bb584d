"""Find the numbering hierarchy (一、/（一）/1./(1)) of a plan and the text under each item."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cn2an

_CN = "零〇一二三四五六七八九十百"
_HEADINGS = [
    ("chapter", re.compile(rf"^第([{_CN}\d]+)章\s*(.*)$")),
    ("section", re.compile(rf"^第([{_CN}\d]+)节\s*(.*)$")),
    ("cn", re.compile(rf"^([{_CN}]+)\s*[、.](?![{_CN}])\s*(.*)$")),
    ("pcn", re.compile(rf"^[(]([{_CN}]+)[)]\s*(.*)$")),
    ("ar", re.compile(r"^(\d{1,3})\s*(?:[、]|\.(?!\d))\s*(.*)$")),
    ("par", re.compile(r"^[(](\d{1,3})[)]\s*(.*)$")),
    ("circ", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*(.*)$")),
]
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ATTACHMENT = re.compile(
    r"^附\s*件\s*\d*\s*[:：]?\s*$|^附\s*件\s*\d*\s*[:：]"
    r"|^(?:注|说明|备注)\s*[:：]?\s*$"  # 注：1.… 2.…: footnotes to a table or a list, numbered like items
)
_NOTES = re.compile(r"^(?:注|说明|备注)\s*[:：]?\s*$")
_TITLE_END = re.compile(r"[。；;！？]")


@dataclass
class Node:
    """One numbered item: its number as printed, title, body lines and children."""

    style: str
    value: int
    number: str
    heading: str
    line_index: int
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    @property
    def path(self) -> list[str]:
        """Numbers of the ancestors and of the item itself."""
        steps: list[str] = []
        node: Node | None = self
        while node is not None and node.style != "root":
            steps.append(node.number)
            node = node.parent
        return steps[::-1]

    @property
    def title(self) -> str:
        """The heading up to its first full stop."""
        match = _TITLE_END.search(self.heading)
        head = self.heading[: match.start()] if match else self.heading
        return head.strip(" 。，,:：")

    @property
    def lead_text(self) -> str:
        """Heading text after the title, i.e. the first sentence(s) of the body printed on the same line."""
        match = _TITLE_END.search(self.heading)
        return self.heading[match.end() :].strip() if match else ""

    @property
    def text(self) -> str:
        """All text printed under the item, excluding its children."""
        parts = [self.lead_text, *self.body]
        return "".join(p for p in parts if p)

    def ancestors(self) -> list[Node]:
        """The item's numbered ancestors, outermost first."""
        found: list[Node] = []
        node = self.parent
        while node is not None and node.style != "root":
            found.append(node)
            node = node.parent
        return found[::-1]

    def walk(self):
        """Yield every numbered item below this one in document order."""
        for child in self.children:
            yield child
            yield from child.walk()


def numeral_value(token: str) -> int | None:
    """Value of a numbering token (一, 十二, 3, ⑤)."""
    if token in _CIRCLED:
        return _CIRCLED.index(token) + 1
    if token.isdigit():
        return int(token)
    try:
        return int(cn2an.cn2an(token.replace("〇", "零"), "strict"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def match_heading(line: str) -> tuple[str, int, str, str] | None:
    """Recognise a numbered line: (style, value, number as printed, rest of line)."""
    if "\t" in line:
        return None
    for style, pattern in _HEADINGS:
        match = pattern.match(line)
        if not match:
            continue
        value = numeral_value(match.group(1))
        rest = match.group(2).strip()
        if value is None or not rest or value > 60:
            return None
        printed = line[: match.start(2)].rstrip()
        if style in ("cn", "ar"):
            printed = match.group(1)
        return style, value, printed.replace(" ", ""), rest
    return None


@dataclass
class Outline:
    """The numbered tree plus the lines outside it (notice, preamble, attachments)."""

    root: Node
    preamble: list[str]
    attachments: list[list[str]]


def _run_follows(lines: list[str], index: int, style: str, value: int) -> bool:
    """An excerpt may start at （七）: a new level starting high counts when its next two numbers follow."""
    expected = value + 1
    for line in lines[index + 1 : index + 200]:
        found = match_heading(line)
        if found and found[0] == style:
            if found[1] != expected:
                return False
            expected += 1
            if expected == value + 3:
                return True
    return False


def parse_outline(lines: list[str]) -> Outline:
    """Build the numbering tree; a new level starts at 1 (or 2, or anywhere when its run goes on: （七）（八）（九）),
    a known level may continue anywhere."""
    root = Node("root", 0, "", "", -1)
    stack: list[Node] = [root]
    preamble: list[str] = []
    attachments: list[list[str]] = []
    last_value: dict[str, int] = {}  # numbering such as （一）…（二十四） may run on across chapters
    in_notes = False  # after 注：, numbered lines are footnotes, not items
    for index, line in enumerate(lines):
        if _ATTACHMENT.match(line):
            attachments.append([line])
            stack = [root]
            in_notes = _NOTES.match(line) is not None
            continue
        if in_notes:
            attachments[-1].append(line)
            continue
        found = match_heading(line)
        if found:
            style, value, printed, rest = found
            styles = [n.style for n in stack]
            if style in styles:
                position = styles.index(style)
                previous = stack[position]
                if value != previous.value + 1 and value > 2:
                    found = None  # a jump in numbering is more likely a number inside prose
                else:
                    del stack[position:]
            elif (
                value > 2
                and value != last_value.get(style, -9) + 1
                and not _run_follows(lines, index, style, value)
            ):
                found = None
        if found:
            style, value, printed, rest = found
            last_value[style] = value
            node = Node(style, value, printed, rest, index, parent=stack[-1])
            stack[-1].children.append(node)
            stack.append(node)
            continue
        if attachments and len(stack) == 1:
            attachments[-1].append(line)
        elif len(stack) > 1:
            stack[-1].body.append(line)
        else:
            preamble.append(line)
    return Outline(root, preamble, attachments)
