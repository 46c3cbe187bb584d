"""The English catalogue is complete: every message has a translation that keeps its placeholders."""

import re

from .conftest import PO_FILE

# %(name)s / %(n)d / %(size).1f, %s, %% and {name}: what the code fills in, which a translation must keep.
PLACEHOLDER = re.compile(r"%%|%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[a-z_]*\}")


def _unquote(line: str) -> str:
    body = line.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file as {"flags", "msgid", "msgid_plural", "msgstr", "msgstr[0]", ...} (polib is not a dependency)."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, key = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += _unquote(line)
            else:
                key, _, rest = line.partition(" ")
                entry[key] = _unquote(rest)
        entries.append(entry)
    return entries


def _placeholders(text: str) -> list[str]:
    """Named placeholders once each (a text may name one twice, "用户 %(name)s / no user %(name)s"), others counted."""
    found = PLACEHOLDER.findall(text)
    named = {p for p in found if p.startswith("%(")}
    return sorted([*named, *(p for p in found if not p.startswith("%("))])


def test_parser_reads_plurals_continuations_and_flags():
    entries = parse_po(
        '#, fuzzy, python-format\nmsgid ""\n"共 %(n)s 条"\nmsgid_plural "x"\nmsgstr[0] "%(n)s rec\\"ord"\nmsgstr[1] ""'
    )
    assert entries == [
        {
            "flags": {"fuzzy", "python-format"},
            "msgid": "共 %(n)s 条",
            "msgid_plural": "x",
            "msgstr[0]": '%(n)s rec"ord',
            "msgstr[1]": "",
        }
    ]
    assert _placeholders("%(a)s 与 %(size).1f、%(n)d，%%") == ["%%", "%(a)s", "%(n)d", "%(size).1f"]
    assert _placeholders("用户 %(name)s 不存在 / no user %(name)s") == _placeholders("no user %(name)s")
    assert _placeholders("%s 与 %s") != _placeholders("%s")


def test_every_message_is_translated_with_the_same_placeholders():
    entries = parse_po(PO_FILE.read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "Language: en\n" in header["msgstr"]
    assert len(messages) > 500  # the whole product, not a stub
    problems = []
    for entry in messages:
        msgid = entry["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        for translation in translations:
            if not translation.strip():
                problems.append(f"untranslated: {msgid!r}")
            elif _placeholders(translation) != _placeholders(msgid):
                problems.append(f"placeholders differ: {msgid!r} → {translation!r}")
            # Chinese only where a quoted original is kept on purpose (a column heading the sheet must carry).
            elif re.search(r"[\u4e00-\u9fff]", re.sub(r"“[^”]*”", "", translation)):
                problems.append(f"Chinese left in the English text: {msgid!r} → {translation!r}")
    assert not problems, "\n".join(problems)
