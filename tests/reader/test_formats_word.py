"""Word as printed: list numbers from numbering.xml, tracked changes accepted, merged cells, no headers/comments."""

import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from duikou.reader import extract_file
from duikou.reader.loaders import read_file
from duikou.reader.loaders.numbering import chinese_counting, format_number

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.mark.parametrize(
    ("n", "fmt", "printed"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCountingThousand", "十一"),
        (24, "chineseCounting", "二十四"),
        (105, "chineseCountingThousand", "一百零五"),
        (3, "ideographTraditional", "丙"),
        (3, "decimalEnclosedCircle", "③"),
        (12, "decimal", "12"),
        (2, "upperRoman", "II"),
        (28, "lowerLetter", "bb"),
        (2, "chineseLegalSimplified", "贰"),
    ],
)
def test_number_formats(n, fmt, printed):
    assert format_number(n, fmt) == printed


def test_chinese_counting_has_zero_inside():
    assert chinese_counting(1001) == "一千零一"


def _numbered_docx(path, numbering_xml: str, body: str, styles_extra: str = ""):
    """A .docx whose document body and numbering part are given as XML."""
    document = docx.Document()
    document.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    doc_xml = parts["word/document.xml"].decode()
    start = doc_xml.index("<w:body>") + len("<w:body>")
    end = doc_xml.index("<w:sectPr")
    parts["word/document.xml"] = (doc_xml[:start] + body + doc_xml[end:]).encode()
    parts["word/numbering.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{numbering_xml}</w:numbering>'.encode()
    )
    rels = parts["word/_rels/document.xml.rels"].decode()
    if "numbering.xml" not in rels:
        rels = rels.replace(
            "</Relationships>",
            '<Relationship Id="rIdN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>',
        )
    parts["word/_rels/document.xml.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    if "/word/numbering.xml" not in types:
        types = types.replace(
            "</Types>",
            '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>',
        )
    parts["[Content_Types].xml"] = types.encode()
    if styles_extra:
        styles = parts["word/styles.xml"].decode()
        parts["word/styles.xml"] = styles.replace("</w:styles>", styles_extra + "</w:styles>").encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def _p(text: str, num: str | None = None, level: int = 0, style: str | None = None) -> str:
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


LEVELS = (
    '<w:abstractNum w:abstractNumId="0">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:suff w:val="nothing"/></w:lvl>'
    "</w:abstractNum>"
)


def test_list_numbers_levels_restarts_and_overrides(tmp_path):
    numbering = (
        LEVELS
        + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        + '<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="7"/></w:lvlOverride></w:num>'
    )
    body = "".join(
        [
            _p("总体要求", "1", 0),
            _p("指导思想", "1", 1),
            _p("基本原则", "1", 1),
            _p("政府主导", "1", 2),
            _p("重点任务", "1", 0),  # （二）→ restarts at （一） under 二、
            _p("产业合作", "1", 1),
            _p("接着第七项", "2", 1),  # startOverride 7
            _p("不编号的段落"),
        ]
    )
    path = _numbered_docx(tmp_path / "n.docx", numbering, body)
    assert read_file(path).lines() == [
        "一、总体要求",
        "（一）指导思想",
        "（二）基本原则",
        "1.政府主导",
        "二、重点任务",
        "（一）产业合作",
        "（七）接着第七项",
        "不编号的段落",
    ]
    document = read_file(path)
    assert [(b.label, b.level) for b in document.blocks[:2]] == [("一、", 0), ("（一）", 1)]


def test_style_linked_numbering(tmp_path):
    """Headings numbered through their paragraph style (the usual way in office templates)."""
    style = (
        '<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="标题一"/>'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="H2"><w:name w:val="标题二"/><w:basedOn w:val="H1"/>'
        '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    )
    numbering = LEVELS + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    body = _p("总体要求", style="H1") + _p("指导思想", style="H2") + _p("重点任务", style="H1")
    path = _numbered_docx(tmp_path / "s.docx", numbering, body, style)
    assert read_file(path).lines() == ["一、总体要求", "（一）指导思想", "二、重点任务"]


def test_tracked_changes_accepted_and_comments_headers_left_out(tmp_path):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉：某某办公室"
    document.sections[0].footer.paragraphs[0].text = "— 1 —"
    paragraph = document.add_paragraph()
    paragraph._p.append(parse_xml(f"<w:r {W}><w:t>支持</w:t></w:r>"))
    paragraph._p.append(
        parse_xml(f'<w:del {W} w:id="1" w:author="a"><w:r><w:delText>2</w:delText></w:r></w:del>')
    )
    paragraph._p.append(parse_xml(f'<w:ins {W} w:id="2" w:author="a"><w:r><w:t>3</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f"<w:r {W}><w:t>所学校建设。</w:t></w:r>"))
    path = tmp_path / "t.docx"
    document.save(path)
    lines = read_file(path).lines()
    assert lines == ["支持3所学校建设。"]
    assert [t["value"] for t in extract_file(path)["targets"]] == [3]


def test_merged_cells_and_numbered_serial_column(tmp_path):
    numbering = (
        '<w:abstractNum w:abstractNumId="5"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1"/></w:lvl></w:abstractNum><w:num w:numId="9"><w:abstractNumId w:val="5"/></w:num>'
    )

    def cell(text: str, extra: str = "", num: str | None = None) -> str:
        return f"<w:tc><w:tcPr>{extra}</w:tcPr>{_p(text, num)}</w:tc>"

    rows = [
        cell("序号") + cell("工作任务") + cell("牵头单位") + cell("完成时限"),
        cell("", num="9")
        + cell("推动消费帮扶")
        + cell("市商务局", '<w:vMerge w:val="restart"/>')
        + cell("11月底前"),
        cell("", num="9") + cell("实施政府采购") + cell("", "<w:vMerge/>") + cell("全年"),
        cell("说明：以上任务按季度报送", '<w:gridSpan w:val="4"/>'),
    ]
    table = f"<w:tbl {W}><w:tblGrid/>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>"
    path = _numbered_docx(tmp_path / "m.docx", numbering, table)
    assert read_file(path).lines() == [
        "序号\t工作任务\t牵头单位\t完成时限",
        "1\t推动消费帮扶\t市商务局\t11月底前",
        "2\t实施政府采购\t市商务局\t全年",
        "说明：以上任务按季度报送",
    ]
