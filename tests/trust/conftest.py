import pytest


@pytest.fixture(autouse=True)
def fast_hashes(settings, tmp_path):
    """Test passwords use a fast hasher (Argon2 is slow on purpose); files go to a temporary data folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"
