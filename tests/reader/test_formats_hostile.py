"""Hostile or broken input is refused before it costs memory, with one line naming the file."""

import zipfile

import pytest
from PIL import Image

from duikou.reader import ReaderError
from duikou.reader.loaders import read_file


def test_zip_bomb_in_a_docx_is_refused_before_inflating(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ReaderError, match="压缩炸弹|压缩比") as error:
        read_file(path)
    assert str(path) in error.value.message("zh") and "\n" not in error.value.message("zh")


def test_ofd_without_its_parts_names_the_missing_part(tmp_path):
    path = tmp_path / "broken.ofd"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "OFD.xml",
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
            "</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
    with pytest.raises(ReaderError, match="Doc_0/Document.xml"):
        read_file(path)


def test_picture_with_too_many_pixels_is_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("1", (12000, 12000)).save(path)
    with pytest.raises(ReaderError, match="像素过多"):
        read_file(path)


def test_damaged_legacy_file_gets_one_line(tmp_path):
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"not really an OLE file" * 10)
    with pytest.raises(ReaderError) as error:
        read_file(path)
    assert str(path) in error.value.message("en") and "\n" not in error.value.message("en")


def _pdf_bomb(path, content_bytes: int):
    """A one-page PDF whose page content is a few KB compressed and content_bytes inflated."""
    import zlib

    content = zlib.compress(b"0 0 m\n" * (content_bytes // 6), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


@pytest.mark.parametrize("suffix", [".pdf", ".txt", ""])
def test_load_file_refuses_a_pdf_bomb_by_the_limits_naming_the_file(tmp_path, suffix):
    """load_file checks duikou.reader.limits.check_file first, whatever the file is called."""
    from duikou.reader.loaders import load_file

    path = _pdf_bomb(tmp_path / f"plan{suffix}", 20 * 1024 * 1024)
    assert path.stat().st_size < 200 * 1024
    with pytest.raises(ReaderError, match="页面内容过大") as error:
        load_file(path)
    assert str(path) in error.value.message("zh") and str(path) in error.value.message("en")


def test_load_file_refuses_a_zip_bomb_under_any_name(tmp_path):
    from duikou.reader.loaders import load_file

    path = tmp_path / "plan.ofd"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
        archive.writestr("Doc_0/Pages/Page_0/Content.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ReaderError, match="压缩炸弹|压缩比") as error:
        load_file(path)
    assert str(path) in error.value.message("zh")
