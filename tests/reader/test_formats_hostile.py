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
    with pytest.raises(ReaderError, match="压缩炸弹") as error:
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
