"""Loaders: real .docx (with a table), a hand-made .pdf with a text layer, an HTML page with chrome, GB18030."""

import docx
import pytest
from conftest import make_pdf

from duikou.reader import ReaderError, extract_file
from duikou.reader.loaders import load_file, load_html

PLAN_LINES = ["2023年某市对口协作重点工作任务分工方案", "序号\t工作任务\t牵头单位\t配合单位\t完成时限"]


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("2023年某市对口协作重点工作任务分工方案")
    document.add_paragraph("为做好协作工作，制定本方案。")
    table = document.add_table(rows=3, cols=5)
    for row, values in zip(
        table.rows,
        [
            ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
            [
                "1",
                "推动消费帮扶。2023年帮助销售农副产品7.5亿元以上。",
                "市商务局\n市农业农村局",
                "前方工作组",
                "11月底前",
            ],
            ["2", "加强干部交流。", "市委组织部", "", "全年"],
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("附件：无")
    path = tmp_path / "plan.docx"
    document.save(path)

    lines = load_file(path)
    assert lines[:3] == [
        "2023年某市对口协作重点工作任务分工方案",
        "为做好协作工作，制定本方案。",
        "序号\t工作任务\t牵头单位\t配合单位\t完成时限",
    ]
    assert lines[-1] == "附件：无"
    plan = extract_file(path)
    assert [t["number"] for t in plan["tasks"]] == ["1", "2"]
    assert plan["tasks"][0]["lead_units"] == ["市商务局", "市农业农村局"]
    assert plan["tasks"][0]["due"] == "2023-11-30"
    assert [(t["value"], t["unit"], t["comparator"]) for t in plan["targets"]] == [
        (750_000_000, "yuan", ">=")
    ]


def test_pdf_text_layer(tmp_path):
    path = make_pdf(
        tmp_path / "plan.pdf",
        [
            "某省对口支援某地实施方案(2021—2025年)",
            "一、重点任务",
            "(一)加强教育合作。支持3所学校建设。(责任单位:省教育厅、科技厅)",
        ],
    )
    plan = extract_file(path)
    assert plan["title"] == "某省对口支援某地实施方案(2021—2025年)"
    assert plan["period"] == {"start_year": 2021, "end_year": 2025}
    (task,) = plan["tasks"]
    assert (task["path"], task["lead_units"]) == (["一", "(一)"], ["省教育厅", "省科技厅"])
    assert [(t["value"], t["unit"]) for t in plan["targets"]] == [(3, "count")]


def test_pdf_without_text_is_refused(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", [])
    with pytest.raises(ReaderError, match="没有文字层"):
        load_file(path)


PAGE = """<html><head><title>某网站</title><script>var x = "一、不是正文";</script></head><body>
<div class="nav">首页 | 政策信息 | 对口支援</div>
<div class="search">站内检索</div>
<div id="content">
<h1>某省对口支援某县实施方案</h1>
<p>一、重点任务</p>
<p>（一）支持教育发展。新建学校<b>2</b>所。（责任单位：省教育厅）</p>
<table><tr><td>序号</td><td>结对单位名称</td></tr><tr><td>1</td><td>福州市-沙河街道</td></tr></table>
</div>
<p>上一篇：某通知</p><p>下一篇：某公告</p>
<div class="footer">Copyright © 2024 某网站 版权所有</div>
<p>扫一扫在手机上查看当前页面</p>
</body></html>"""


def test_html_page_chrome_is_removed(tmp_path):
    lines = load_html(PAGE.encode("utf-8"))
    assert "站内检索" not in lines and not any("首页" in line for line in lines)
    assert "（一）支持教育发展。新建学校2所。（责任单位：省教育厅）" in lines
    assert "1\t福州市-沙河街道" in lines
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    plan = extract_file(path)
    assert plan["title"] == "某省对口支援某县实施方案"
    assert [t["title"] for t in plan["tasks"]] == ["支持教育发展"]
    assert plan["pairings"] == [{"donor": "福州市", "recipient": "沙河街道"}]
    texts = " ".join(t["text"] for t in plan["tasks"])
    assert "上一篇" not in texts and "扫一扫" not in texts and "Copyright" not in texts


def test_gb18030_text_is_detected(tmp_path, seed_text):
    path = tmp_path / "plan.txt"
    path.write_bytes(seed_text("003").encode("gb18030"))
    assert extract_file(path)["title"] == "上海市与三明市对口合作实施方案(2023—2025年)"
