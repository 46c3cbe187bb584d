"""PDF by layout: furniture out, quotation marks in place, tables as rows, AES-encrypted copies open."""

import io
import json

import pytest
from conftest import GOLD, long_task_table, make_pdf
from pypdf import PdfReader, PdfWriter

from duikou.reader import extract_file, validate_plan
from duikou.reader.loaders import read_file
from duikou.reader.scoring import score_pair
from duikou.reader.text import normalise_line


def test_aes_encrypted_copy_restricted_pdf_opens(tmp_path):
    plain = make_pdf(
        tmp_path / "plain.pdf",
        ["某省对口支援某地实施方案(2021—2025年)", "一、重点任务", "(一)支持3所学校建设。"],
    )
    writer = PdfWriter(clone_from=PdfReader(plain))
    # no password to open, copying and printing forbidden: what offices publish
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256", permissions_flag=0)
    out = io.BytesIO()
    writer.write(out)
    encrypted = tmp_path / "restricted.pdf"
    encrypted.write_bytes(out.getvalue())
    assert PdfReader(encrypted).is_encrypted
    plan = extract_file(encrypted)
    assert plan["title"] == "某省对口支援某地实施方案(2021—2025年)"
    assert [t["value"] for t in plan["targets"]] == [3]


def test_page_numbers_out_quotes_in_place_tables_whole(renditions, seed_text):
    """The 任务分工 seed exported by LibreOffice: '— N —' footers, five tables over eight pages."""
    path = next(p for stem, p in renditions["pdf"].items() if stem.startswith("001"))
    document = read_file(path)
    furniture = [b for b in document.blocks if b.furniture]
    assert furniture and all(b.furniture == "page_number" for b in furniture)
    assert len(furniture) == document.pages
    lines = document.lines()
    assert not any("—" in line and line.strip("— 0123456789") == "" for line in lines)
    assert any("“四个不摘”" in line for line in lines)
    (table,) = [b for b in document.blocks if b.rows]  # one table, however many pages it runs over
    header = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]
    assert table.rows[0] == header
    # the header rows the document itself repeats, and no more (none added or lost at a page break)
    assert sum(row == header for row in table.rows) == seed_text("001").count("序号\t工作任务")
    serials = [row[0] for row in table.rows if row != header]
    assert serials == [str(n) for n in range(1, 30)], "no row lost or split at a page break"
    assert table.rows[1][2] == "市委办公厅 市政府办公厅"


def test_paragraphs_rejoined_across_lines_and_pages(renditions, seed_text):
    path = next(p for stem, p in renditions["pdf"].items() if stem.startswith("000"))
    document = read_file(path)
    assert document.pages > 5
    body = [b for b in document.blocks if b.rows is None and b.furniture is None]
    labelled = [b for b in body if b.label.startswith("（")]
    # （一）…（二十四） (the page printed them twice), each one paragraph however many lines it ran over
    assert sorted({b.label for b in labelled}) == sorted({f"（{n}）" for n in _numerals(24)})
    source = {normalise_line(line) for line in seed_text("000").splitlines()}
    assert all(normalise_line(b.line()) in source for b in labelled), "each paragraph exactly as typed"


def _numerals(count: int) -> list[str]:
    from duikou.reader.loaders.numbering import chinese_counting

    return [chinese_counting(n) for n in range(1, count + 1)]


# ---- tables printed without borders: rows rebuilt from the columns' geometry ----

PARTS = ["header", "pairings", "funding", "targets", "allocations", "tasks", "task_units", "deadlines"]


@pytest.mark.parametrize("stem", sorted(path.stem for path in GOLD.glob("*.json")), ids=lambda s: s[:3])
def test_unruled_tables_score_as_ruled(unruled_pdfs, stem):
    plan = extract_file(unruled_pdfs[stem])
    assert validate_plan(plan) == []
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    counts = score_pair(gold, plan)
    low = {part: round(counts[part].f1, 3) for part in PARTS if counts[part].f1 < 0.95}
    assert not low, f"unruled PDF {stem}: {low}"


def test_unruled_task_table_rows_and_cells(unruled_pdfs, seed_text):
    """Seed 001's table without borders: the same rows as the ruled one — wrapped cells joined, one unit per
    line kept apart, and a 配合单位 merged down over five rows given to each of them."""
    document = read_file(unruled_pdfs[next(s for s in unruled_pdfs if s.startswith("001"))])
    (table,) = [b for b in document.blocks if b.rows]
    header = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]
    assert table.rows[0] == header
    assert sum(row == header for row in table.rows) == seed_text("001").count("序号\t工作任务")
    assert [row[0] for row in table.rows if row != header] == [str(n) for n in range(1, 30)]
    typed = {cells[0]: cells for cells in (line.split("\t") for line in seed_text("001").splitlines())}
    for row in table.rows[1:7]:
        assert row == [cell.strip() for cell in typed[row[0]]], row[0]


def test_unruled_table_over_pages_with_repeated_header_and_merged_leads(unruled_pdfs):
    """Forty tasks over several pages, the header row repeated on each page (dropped), lead units merged
    down (a short one printed once in the first row, a long one running on into the next row)."""
    path = unruled_pdfs["long_table"]
    document = read_file(path)
    assert document.pages >= 3
    (table,) = [b for b in document.blocks if b.rows]
    typed = long_task_table()[1]
    assert table.rows == typed
    plan = extract_file(path)
    assert [t["lead_units"] for t in plan["tasks"]] == [row[2].split(" ") for row in typed[1:]]
    assert "二、保障措施" not in [cell for row in table.rows for cell in row]


def test_no_table_made_of_prose(unruled_pdfs, renditions):
    """Pages of prose (every seed but 001) give no table, and the text outside the tables reads the same as
    from the ruled PDF."""
    for stem, path in unruled_pdfs.items():
        tables = [b for b in read_file(path).blocks if b.rows]
        assert len(tables) == (1 if stem.startswith("001") or stem == "long_table" else 0), stem
    for stem, path in renditions["pdf"].items():
        # furniture left out: without borders the table takes other room, so the pages break elsewhere
        ruled = [b.line() for b in read_file(path).body() if not b.rows]
        unruled = [b.line() for b in read_file(unruled_pdfs[stem]).body() if not b.rows]
        assert unruled == ruled, stem


def _sectioned_table() -> tuple[str, list[list[str]]]:
    """A 推广清单-shaped text: a ruled table whose header row is followed by a section row across the table
    (so the header stands alone as a ruled box), and long 主要内容 cells whose rows run over page breaks."""
    rows = [["序号", "改革举措", "主要内容", "指导部门", "推广范围"]]
    lines = ["某某改革举措推广清单", "\t".join(rows[0])]
    for section, numbers in (("一、第一方面（共4项）", range(1, 5)), ("二、第二方面（共4项）", range(5, 9))):
        lines.append(section)
        for n in numbers:
            content = f"第{n}项举措的做法" + "，建立健全协同机制并按季度评估推进成效" * (6 + 3 * (n % 3))
            rows.append(
                [str(n), f"以第{n}项改革为核心的工作机制", content + "。", "科技部", "全面创新改革试验区域"]
            )
            lines.append("\t".join(rows[-1]))
    return "\n".join(lines), rows


def test_lone_ruled_header_row_and_rows_split_by_page_breaks(tmp_path):
    """A ruled row of three or more cells alone on its stretch of the page (a header row above a section row
    drawn without column rules, a row a page break cut) is still a table row: its cells stay apart and the
    part of a row on the next page is joined back to it."""
    import renditions as make

    if not make.soffice_available():
        pytest.skip("LibreOffice is not installed")
    text, typed = _sectioned_table()
    (pdf,) = make.soffice_convert_many([make.make_docx(text, tmp_path / "list.docx")], "pdf", tmp_path)
    document = read_file(pdf)
    assert document.pages >= 3  # rows do run over page breaks
    rows = [row for block in document.blocks if block.rows for row in block.rows]
    assert typed[0] in rows, "the header row as cells, not one space-joined line"
    data = [row for row in rows if row and row[0].isdigit()]
    assert [row[0] for row in data] == [str(n) for n in range(1, 9)], "no row lost or split at a page break"
    assert [row[2] for row in data] == [row[2] for row in typed[1:]]
    assert not any(b.rows is None and "建立健全协同机制" in b.line() for b in document.blocks)
