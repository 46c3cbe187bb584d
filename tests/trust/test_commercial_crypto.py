"""商用密码 option: SM3 for the audit chain (tested in test_security_audit) and SM4 for stored evidence files; off
by default, tested both ways: with it on, evidence is encrypted on disk and served decrypted to those allowed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from gmssl.sm4 import SM4_DECRYPT, CryptSM4
from reports.files import PDF, PNG

from duikou.core import crypto
from duikou.reports.evidence import attach_evidence

pytestmark = pytest.mark.django_db


def attach(world, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return attach_evidence(report=world.report_a, user=world.users["reporter_a"], upload=upload)


def download(world, user_key, evidence):
    client = Client()
    client.force_login(world.users[user_key])
    return client.get(reverse("reports:evidence_download", args=[evidence.pk]))


def test_off_by_default_files_are_stored_as_uploaded(world, settings):
    from duikou import settings as configured

    assert configured.DUIKOU_COMMERCIAL_CRYPTO is False
    evidence = attach(world, "照片.png", PNG)
    assert evidence.cipher == "" and (settings.MEDIA_ROOT / evidence.file.name).read_bytes() == PNG
    assert b"".join(download(world, "reporter_a", evidence).streaming_content) == PNG


def test_on_files_are_sm4_encrypted_on_disk_and_served_decrypted_to_those_allowed(world, settings):
    settings.DUIKOU_COMMERCIAL_CRYPTO = True
    evidence = attach(world, "报告.pdf", PDF)
    stored = (settings.MEDIA_ROOT / evidence.file.name).read_bytes()
    assert evidence.cipher == "sm4" and evidence.size == len(PDF)
    assert stored.startswith(crypto.SM4_MAGIC) and stored != PDF and PDF[:64] not in stored
    # Standard SM4-CBC with PKCS#7: gmssl's own implementation reads the file back.
    cipher = CryptSM4()
    cipher.set_key(crypto.sm4_key(), SM4_DECRYPT)
    iv = stored[len(crypto.SM4_MAGIC) : len(crypto.SM4_MAGIC) + 16]
    assert cipher.crypt_cbc(iv, stored[len(crypto.SM4_MAGIC) + 16 :]) == PDF
    # Served decrypted to the unit and to the office; another unit gets nothing.
    for who in ("reporter_a", "office_admin"):
        response = download(world, who, evidence)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert download(world, "reporter_b", evidence).status_code == 404
    # Turning the option off later leaves earlier files readable: each says how it was stored.
    settings.DUIKOU_COMMERCIAL_CRYPTO = False
    assert b"".join(download(world, "reporter_a", evidence).streaming_content) == PDF


def test_a_changed_encrypted_file_is_refused(world, settings):
    settings.DUIKOU_COMMERCIAL_CRYPTO = True
    evidence = attach(world, "照片.png", PNG)
    path = settings.MEDIA_ROOT / evidence.file.name
    blob = bytearray(path.read_bytes())
    blob[len(crypto.SM4_MAGIC) + 20] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(ValueError):
        evidence.open_plain()


def test_known_answers():
    # GB/T 32905-2016 appendix A (SM3 of "abc"), GB/T 32907-2016 appendix A (SM4 of its key).
    assert (
        crypto.digest(b"abc", crypto.SM3)
        == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    blob = crypto.sm4_encrypt(key, key=key)
    assert crypto.sm4_decrypt(blob, key=key) == key
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    ecb = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert ecb.update(key).hex() == "681edf34d206965e86b3e94f536e4246"


def test_a_configured_key_must_be_128_bits(settings):
    settings.DUIKOU_SM4_KEY = "abcd"
    with pytest.raises(ValueError, match="32 hexadecimal"):
        crypto.sm4_key()
