"""Legacy and national office formats: .doc, .wps, .xls, .et through LibreOffice; OFD directly."""

import shutil
import subprocess

import pytest
from openpyxl import Workbook

from duikou.reader import extract_file
from duikou.reader.loaders import read_file

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


@needs_soffice
def test_wps_file_is_read_like_a_doc(renditions, tmp_path):
    """A WPS Writer file (.wps; WPS saves Word 97 binary under that name) reads like the .doc it is."""
    doc = next(p for stem, p in renditions["doc"].items() if stem.startswith("004"))
    wps = tmp_path / "plan.wps"
    shutil.copy(doc, wps)
    assert extract_file(wps)["title"] == extract_file(doc)["title"]


@needs_soffice
def test_xls_and_et_task_tables(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "任务分工"
    rows = [
        ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
        [1, "推动消费帮扶，2023年帮助销售农副产品7.5亿元以上。", "市商务局", "前方工作组", "11月底前"],
        [2, "加强干部交流。", "市委组织部", None, "全年"],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("D2:D3")
    source = tmp_path / "tasks.xlsx"
    book.save(source)
    with pytest.MonkeyPatch.context():
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xls",
             "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=240,
        )  # fmt: skip
    xls = tmp_path / "tasks.xls"
    et = tmp_path / "tasks.et"
    shutil.copy(xls, et)
    for path in (xls, et):
        lines = read_file(path).lines()
        assert "1\t推动消费帮扶，2023年帮助销售农副产品7.5亿元以上。\t市商务局\t前方工作组\t11月底前" in lines
        assert "2\t加强干部交流。\t市委组织部\t前方工作组\t全年" in lines  # merged down: repeated
        plan = extract_file(path)
        assert [t["lead_units"] for t in plan["tasks"]] == [["市商务局"], ["市委组织部"]]
