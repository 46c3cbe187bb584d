"""Evidence files: checked by content and size, stored under the data folder, served only through the gate."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duikou.reports import evidence as evidence_module
from duikou.reports.evidence import attach_evidence
from duikou.reports.models import Evidence
from reports.files import DOCX, PDF, PNG, XLSX

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name,content,mime",
    [
        ("照片.png", PNG, "image/png"),
        ("报告.pdf", PDF, "application/pdf"),
        ("说明.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("台账.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_allowed_files_are_stored_outside_the_web_root(world, settings, name, content, mime):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    evidence = attach_evidence(report=world.report_a, user=world.users["reporter_a"], upload=upload)
    assert (evidence.content_type, evidence.original_name, evidence.size) == (mime, name, len(content))
    stored = settings.MEDIA_ROOT / evidence.file.name
    assert stored.read_bytes() == content
    assert name not in evidence.file.name  # stored under a random name


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("病毒.pdf", b"MZ\x90\x00" + b"\x00" * 200, "不是允许的类型"),
        ("假图.png", PDF, "扩展名与内容不符"),
        ("压缩包.docx", b"PK\x03\x04" + b"\x00" * 100, "不是允许的类型"),
        ("空.pdf", b"", "是空的"),
        ("网页.jpg", b"<html><script>alert(1)</script></html>", "不是允许的类型"),
    ],
)
def test_refused_files_name_the_file_and_store_nothing(world, settings, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError, match=message) as exc:
        attach_evidence(report=world.report_a, user=world.users["reporter_a"], upload=upload)
    assert name in str(exc.value)
    assert not Evidence.objects.exists()
    assert not (settings.MEDIA_ROOT / "evidence").exists() or not any(
        (settings.MEDIA_ROOT / "evidence").rglob("*.*")
    )


def test_size_limit(world, monkeypatch):
    monkeypatch.setattr(evidence_module, "EVIDENCE_MAX_BYTES", 100)
    with pytest.raises(ValidationError, match="超过上限"):
        attach_evidence(
            report=world.report_a,
            user=world.users["reporter_a"],
            upload=SimpleUploadedFile("大.png", PNG + b"\x00" * 200),
        )


def test_download_goes_through_the_gate(client, world):
    evidence = attach_evidence(
        report=world.report_a, user=world.users["reporter_a"], upload=SimpleUploadedFile("照片.png", PNG)
    )
    url = reverse("reports:evidence_download", args=[evidence.pk])
    client.force_login(world.users["reporter_a"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert "attachment" in response["Content-Disposition"]
    client.force_login(world.users["reporter_b"])
    assert client.get(url).status_code == 404


def test_page_upload_and_delete(client, world, settings):
    client.force_login(world.users["reporter_a"])
    response = client.post(
        reverse("reports:evidence_upload", args=[world.report_a.pk]),
        {"file": SimpleUploadedFile("说明.docx", DOCX)},
        follow=True,
    )
    assert "已上传佐证材料：说明.docx" in response.content.decode()
    evidence = Evidence.objects.get()
    path = settings.MEDIA_ROOT / evidence.file.name
    assert path.exists()
    bad = client.post(
        reverse("reports:evidence_upload", args=[world.report_a.pk]),
        {"file": SimpleUploadedFile("假图.png", PDF)},
        follow=True,
    )
    assert "扩展名与内容不符" in bad.content.decode()
    client.post(reverse("reports:evidence_delete", args=[evidence.pk]))
    assert not Evidence.objects.exists()
