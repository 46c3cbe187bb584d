"""Evidence files of a report: checked by content and size, stored under a random name (SM4-encrypted under
商用密码), attached and removed while the report may be edited (`services.require_editable`)."""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core.crypto import commercial_crypto, sm4_encrypt

from .models import Evidence, Report
from .services import require_editable

# What a unit may attach as evidence: the sniffed type, and the file-name extensions that go with it.
EVIDENCE_TYPES = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
# The part inside a zip container that makes it a Word or Excel file (filetype only peeks at the head).
OFFICE_MARKERS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
}
EVIDENCE_MAX_BYTES = getattr(settings, "DUIKOU_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)


def sniff_evidence(upload) -> str:
    """The content type of an uploaded file judged by its bytes; refuses anything not allowed, naming the file."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("文件 %(name)s 是空的") % {"name": name})
    if size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("文件 %(name)s 大小 %(size).1f MB，超过上限 %(max)d MB")
            % {"name": name, "size": size / 1024 / 1024, "max": EVIDENCE_MAX_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in OFFICE_MARKERS:
        try:
            with zipfile.ZipFile(upload) as archive:
                if OFFICE_MARKERS[mime] not in archive.namelist():
                    mime = None
        except zipfile.BadZipFile:
            mime = None
        upload.seek(0)
    if mime not in EVIDENCE_TYPES:
        raise ValidationError(
            _("文件 %(name)s 的内容不是允许的类型（PDF、Word .docx、Excel .xlsx、JPG、PNG）") % {"name": name}
        )
    extension = PurePath(name).suffix.lower()
    if extension not in EVIDENCE_TYPES[mime]:
        raise ValidationError(
            _("文件 %(name)s 的扩展名与内容不符：内容是 %(ext)s 文件")
            % {"name": name, "ext": EVIDENCE_TYPES[mime][0]}
        )
    return mime


def attach_evidence(*, report: Report, user, upload) -> Evidence:
    """Check an uploaded file by content and size, store it under the data folder and attach it to the report."""
    require_editable(report, user)
    perms.require_allowed(user, Evidence, perms.ADD)
    mime = sniff_evidence(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    original = PurePath(upload.name or "file").name[:255]
    # Stored under a random name: the user's file name never becomes a path on disk.
    stored_name = f"{uuid.uuid4().hex}{EVIDENCE_TYPES[mime][0]}"
    evidence = Evidence(
        report=report,
        original_name=original,
        content_type=mime,
        size=upload.size if hasattr(upload, "size") else 0,
        sha256=digest.hexdigest(),
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            if commercial_crypto():  # 商用密码: the file is stored SM4-encrypted, served decrypted
                plain = upload.read()
                evidence.cipher = "sm4"
                evidence.file.save(stored_name, ContentFile(sm4_encrypt(plain), name=stored_name), save=False)
                evidence.size = len(plain)
            else:
                evidence.file.save(stored_name, File(upload, name=stored_name), save=False)
                evidence.size = evidence.file.size
            evidence.save()
    except Exception:
        if evidence.file and evidence.file.name:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, user) -> None:
    """Detach an evidence file from a report that is still being edited, and delete the stored file."""
    require_editable(evidence.report, user)
    perms.require(user, evidence, perms.DELETE)
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
