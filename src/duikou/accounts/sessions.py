"""Django's session stores (settings.SESSION_ENGINE: `db`, or `cached_db` with a shared cache) whose refresh of an
existing session is one UPDATE.

SessionPolicyMiddleware refreshes the idle clock once a minute: with think times of 10-30 s, about one request in
four saves its session. Django's save builds a model instance, opens a transaction (a savepoint inside one) and saves
through the ORM with its signals: 1.2 ms of CPU and three statements (BEGIN, UPDATE, COMMIT); one UPDATE in autocommit
is ~0.2 ms and one statement. A new session (sign-in) and a save inside a caller's transaction (where a failing
statement must not break it) stay Django's. The session read at every request is Django's query compiled once a
process (core.compiled)."""

import functools

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from duikou.core.compiled import Compiled, Param


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired session's row (its key, data and expiry), or None with the key dropped, as Django's: building
        and compiling the ORM's query cost ~0.5 ms of every request's CPU."""
        alias = router.db_for_read(self.model)
        now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
        found = _live_session(self.model).rows(None, key=self.session_key, now=now)
        if not found:
            self._session_key = None
            return None
        data, expires = found[0]
        return self.model(session_key=self.session_key, session_data=data, expire_date=expires)

    def save(self, must_create=False):
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        if must_create or self.session_key is None or connection.in_atomic_block:
            return super().save(must_create)
        data = self.encode(self._get_session())
        expires = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        try:
            with connection.cursor() as cursor:
                cursor.execute(_update_sql(self.model, alias), [data, expires, self.session_key])
                updated = cursor.rowcount
        except DatabaseError:
            raise UpdateError from None  # as Django's: SessionMiddleware answers SessionInterrupted
        if updated != 1:
            raise UpdateError  # the session was deleted meanwhile (signed out elsewhere)
        return None


@functools.cache
def _live_session(model) -> Compiled:
    return Compiled(
        model,
        lambda: model.objects.filter(
            session_key=Param("key", CharField()), expire_date__gt=Param("now", DateTimeField())
        ).values_list("session_data", "expire_date"),
    )


@functools.cache
def _update_sql(model, alias: str) -> str:
    quote, meta = connections[alias].ops.quote_name, model._meta
    column = {
        name: quote(meta.get_field(name).column) for name in ("session_data", "expire_date", "session_key")
    }
    return (
        f"UPDATE {quote(meta.db_table)} SET {column['session_data']} = %s, {column['expire_date']} = %s"
        f" WHERE {column['session_key']} = %s"
    )
