"""The English catalogue compiled before these tests, so they pass under plain pytest as well as `make test`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "src" / "duikou"
PO_FILE = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="session", autouse=True)
def english_catalogue():
    """`make setup` compiles the .mo; do it here too when it is missing or older than the .po (a fresh checkout)."""
    mo_file = PO_FILE.with_suffix(".mo")
    if not mo_file.exists() or mo_file.stat().st_mtime < PO_FILE.stat().st_mtime:
        # In the package directory, so compilemessages walks only duikou's locale/ and not the virtualenv.
        subprocess.run(
            [sys.executable, "-m", "django", "compilemessages", "-v", "0"],
            cwd=PACKAGE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "duikou.settings"},
            check=True,
        )
        from django.utils.translation import trans_real

        # A catalogue loaded earlier in this process (without the .mo) is cached per language: drop it.
        trans_real._translations = {}
        trans_real._default = None
    return PO_FILE
