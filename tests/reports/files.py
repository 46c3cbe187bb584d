"""Tiny real files of each kind, made with the same libraries users' software writes them with."""

import io
import struct
import zlib

import docx
import openpyxl


def _png() -> bytes:
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"\x00\xff\x00\x00"  # one red pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("马尾区 2025 年 6 月工作情况")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["指标", "完成值"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PNG = _png()
DOCX = _docx()
XLSX = _xlsx()
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
