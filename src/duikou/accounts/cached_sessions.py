"""settings.SESSION_ENGINE with a shared cache: Django's `cached_db` (read from the cache, written through to the
database) whose database write is accounts.sessions' one UPDATE."""

from django.contrib.sessions.backends import cached_db

from . import sessions


class SessionStore(cached_db.SessionStore, sessions.SessionStore):
    pass
