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
