"""PDF by layout: furniture out, quotation marks in place, tables as rows, AES-encrypted copies open."""

import io

from conftest import make_pdf
from pypdf import PdfReader, PdfWriter

from duikou.reader import extract_file
from duikou.reader.loaders import read_file


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


def test_page_numbers_out_quotes_in_place_tables_whole(renditions):
    """The 任务分工 seed exported by LibreOffice: '— N —' footers, a table over eight pages."""
    path = next(p for stem, p in renditions["pdf"].items() if stem.startswith("001"))
    document = read_file(path)
    furniture = [b for b in document.blocks if b.furniture]
    assert furniture and all(b.furniture == "page_number" for b in furniture)
    assert len(furniture) == document.pages
    lines = document.lines()
    assert not any("—" in line and line.strip("— 0123456789") == "" for line in lines)
    assert any("“四个不摘”" in line for line in lines)
    tables = [b for b in document.blocks if b.rows]
    assert len(tables) == 1, "the table continued over the pages is one table"
    rows = tables[0].rows
    assert rows[0] == ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, 30)]
    assert rows[1][2] == "市委办公厅 市政府办公厅"


def test_paragraphs_rejoined_across_lines_and_pages(renditions):
    path = next(p for stem, p in renditions["pdf"].items() if stem.startswith("000"))
    document = read_file(path)
    assert document.pages > 5
    body = [b for b in document.blocks if b.rows is None and b.furniture is None]
    labelled = [b for b in body if b.label.startswith("（")]
    assert len(labelled) == 24  # （一）…（二十四）, each one paragraph however many lines it ran over
    assert all(b.text.endswith(("。", "）", ")")) or len(b.text) < 40 for b in labelled)
