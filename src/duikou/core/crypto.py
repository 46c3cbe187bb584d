"""Hashes and ciphers, with the 商用密码 (Chinese commercial cryptography) option: SM3 and SM4 from gmssl.

`DUIKOU_COMMERCIAL_CRYPTO` (off by default) chooses SM3 for new audit-chain entries and SM4 for evidence files
stored from then on; what was written before keeps saying which algorithm it used, so both stay readable.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

SHA256, SM3 = "sha256", "sm3"
HASH_ALGORITHMS = (SHA256, SM3)


def commercial_crypto() -> bool:
    """Whether the office requires 商用密码 (SM3/SM4) for what is written from now on."""
    return bool(getattr(settings, "DUIKOU_COMMERCIAL_CRYPTO", False))


def chain_algorithm() -> str:
    return SM3 if commercial_crypto() else SHA256


def digest(data: bytes, algorithm: str) -> str:
    """Hex digest of `data` by `algorithm` (sha256 or sm3)."""
    if algorithm == SHA256:
        return hashlib.sha256(data).hexdigest()
    if algorithm == SM3:
        from gmssl import func, sm3

        return sm3.sm3_hash(func.bytes_to_list(data))
    raise ValueError(f"unknown hash algorithm {algorithm!r}")


# Stored SM4 files start with this tag, then a random 16-byte IV, then SM4-CBC ciphertext with PKCS#7 padding
# (GB/T 32907; the same bytes gmssl's CryptSM4.crypt_cbc produces and reads).
SM4_MAGIC = b"DKSM4\x01"


def sm4_key() -> bytes:
    """The 128-bit SM4 key: DUIKOU_SM4_KEY (32 hex digits) or, failing that, one derived from SECRET_KEY by SM3."""
    configured = getattr(settings, "DUIKOU_SM4_KEY", "") or ""
    if configured:
        key = bytes.fromhex(configured)
        if len(key) != 16:
            raise ValueError("DUIKOU_SM4_KEY must be 32 hexadecimal digits (128 bits)")
        return key
    return bytes.fromhex(digest(b"duikou-evidence-sm4|" + settings.SECRET_KEY.encode("utf-8"), SM3))[:16]


def _sm4(iv: bytes, key: bytes | None = None):
    # SM4 through OpenSSL (the cryptography package): gmssl's pure-Python SM4 measured 40 s per MB here, this
    # ~18 MB/s; tests check both give the same bytes.
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    return Cipher(algorithms.SM4(key or sm4_key()), modes.CBC(iv))


def sm4_encrypt(data: bytes, key: bytes | None = None) -> bytes:
    """SM4-CBC-encrypt `data` for storage: magic, IV, ciphertext."""
    import os

    from cryptography.hazmat.primitives.padding import PKCS7

    iv = os.urandom(16)
    padder = PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = _sm4(iv, key).encryptor()
    return SM4_MAGIC + iv + encryptor.update(padded) + encryptor.finalize()


def sm4_decrypt(blob: bytes, key: bytes | None = None) -> bytes:
    """The plain bytes of a stored SM4 file (ValueError if it is not one, or was changed so padding breaks)."""
    from cryptography.hazmat.primitives.padding import PKCS7

    if not blob.startswith(SM4_MAGIC) or (len(blob) - len(SM4_MAGIC)) % 16 or len(blob) < len(SM4_MAGIC) + 32:
        raise ValueError("not an SM4-encrypted duikou file")
    iv, body = blob[len(SM4_MAGIC) : len(SM4_MAGIC) + 16], blob[len(SM4_MAGIC) + 16 :]
    decryptor = _sm4(iv, key).decryptor()
    padded = decryptor.update(body) + decryptor.finalize()
    unpadder = PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()
