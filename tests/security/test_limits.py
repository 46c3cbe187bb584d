"""Hole 6 and 7 and intrusion prevention: request bodies refused from their declared size before a byte is read,
zip and PDF bombs refused from what they declare before any loader opens them, and every parse in a child with a
time and memory budget."""

import io
import time
import zipfile

import pytest

from duikou.core.errors import InputError
from duikou.reader.limits import LimitExceeded, check_pdf, check_zip, run_limited


def test_a_300_mb_post_to_the_login_page_is_413_before_reading(client):
    # The test client's body is empty: reading a single byte past it fails, so only a refusal from the header passes.
    response = client.generic(
        "POST",
        "/accounts/login/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 2**20),
    )
    assert response.status_code == 413
    assert "请求过大" in response.content.decode()


def test_upload_views_take_files_up_to_the_upload_limit(client, settings):
    declared = str(settings.DUIKOU_MAX_REQUEST_BYTES + 5 * 2**20)
    kwargs = {"content_type": "multipart/form-data; boundary=x", "CONTENT_LENGTH": declared}
    assert client.generic("POST", "/accounts/login/", b"", **kwargs).status_code == 413
    assert client.generic("POST", "/import/", b"", **kwargs).status_code == 302  # to the login page, unread
    too_big = str(settings.DUIKOU_MAX_UPLOAD_BYTES + 2 * 2**20)
    assert (
        client.generic("POST", "/import/", b"", content_type="x", CONTENT_LENGTH=too_big).status_code == 413
    )


def test_a_bad_content_length_is_400(client):
    assert client.generic("POST", "/accounts/login/", b"", CONTENT_LENGTH="lots").status_code == 400


def _zip(members: dict[str, int], *, filler=b"\0") -> bytes:
    """A zip whose members hold `size` bytes of `filler`, written 1 MB at a time (the test never holds them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, size in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                chunk = filler * 2**20
                for _ in range(size // 2**20):
                    member.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    return _zip({"word/document.xml": 400 * 2**20})  # 400 MB of zeros in under half a megabyte


def test_a_docx_bomb_is_refused_from_its_declarations(docx_bomb, monkeypatch):
    import docx

    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("the bomb was opened"))
    assert len(docx_bomb) < 2**20
    with pytest.raises(LimitExceeded, match="压缩炸弹"):
        check_zip(docx_bomb, "炸弹.docx")


def test_a_small_member_inflating_a_thousand_times_is_refused():
    bomb = _zip({"word/document.xml": 20 * 2**20})
    with pytest.raises(LimitExceeded, match="压缩比异常"):
        check_zip(bomb, "炸弹.docx")


def test_an_ordinary_docx_passes():
    from docx import Document

    out = io.BytesIO()
    document = Document()
    for i in range(200):
        document.add_paragraph(f"{i}．推进东西部协作第{i}项任务，责任单位：马尾区")
    document.save(out)
    check_zip(out.getvalue(), "方案.docx")


@pytest.mark.django_db
def test_the_import_page_refuses_a_docx_bomb_with_a_clear_message(docx_bomb):
    from duikou.web.imports import read_upload

    with pytest.raises(InputError) as refused:
        read_upload("炸弹.docx", docx_bomb)
    assert "炸弹.docx" in str(refused.value) and "压缩炸弹" in str(refused.value)


@pytest.mark.django_db
def test_a_task_table_bomb_is_refused_before_openpyxl():
    from duikou.exchange.tasktable import read_task_table

    bomb = _zip({"xl/worksheets/sheet1.xml": 200 * 2**20})
    with pytest.raises(InputError, match="压缩炸弹"):
        read_task_table(bomb, name="任务分工.xlsx")


def _pdf_with_content(size: int) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    content = DecodedStreamObject()
    content.set_data(b"0 0 m 1 1 l S\n" * (size // 14))
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_with_20_mb_of_page_content_is_refused():
    bomb = _pdf_with_content(20 * 2**20)
    assert len(bomb) < 200 * 1024
    with pytest.raises(LimitExceeded, match="页面内容过大"):
        check_pdf(bomb, "炸弹.pdf")
    check_pdf(_pdf_with_content(100 * 1024), "正常.pdf")


def _sleep(seconds):
    time.sleep(seconds)
    return "woke"


def _eat_memory(megabytes):
    return len(bytearray(megabytes * 2**20))


def _raise():
    raise ValueError("第 3 行有误")


def test_a_parse_runs_within_a_time_and_memory_budget():
    assert run_limited(_sleep, 0, seconds=30) == "woke"
    with pytest.raises(LimitExceeded, match="解析超时"):
        run_limited(_sleep, 30, name="慢.docx", seconds=1)
    with pytest.raises(LimitExceeded, match="内存"):
        run_limited(_eat_memory, 2048, name="大.docx", memory_bytes=256 * 2**20)
    with pytest.raises(ValueError, match="第 3 行"):
        run_limited(_raise)
