import pytest
from permissions.world import world  # noqa: F401  the shared two-unit world fixture


@pytest.fixture(autouse=True)
def fast_files_and_hashes(settings, tmp_path):
    """Evidence files go to a temporary data folder; test passwords use a fast hasher (Argon2 is slow on purpose)."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
