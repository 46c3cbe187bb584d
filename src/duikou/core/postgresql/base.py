"""Django's PostgreSQL backend (settings.py names it for a postgresql:// DUIKOU_DATABASE_URL) whose health check of
an idle connection reads its socket instead of sending `SELECT 1`.

CONN_HEALTH_CHECKS has Django check a kept connection before each request's first query: a `SELECT 1` round trip,
70–160 µs of the worker's CPU and 40–90 µs of the database's on every request (measured on the bench machine). A
connection the server ended (restart, pg_terminate_backend, idle timeout) has the server's last message or the end of
the stream waiting on its socket; an idle healthy one has nothing to read. So nothing to read on an idle connection:
usable, without a query; anything else (data waiting, a transaction open or failed, a connection not OK): Django's
`SELECT 1`, as before."""

import select

import psycopg
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoDatabaseWrapper
from psycopg import pq


class DatabaseWrapper(DjangoDatabaseWrapper):
    def is_usable(self):
        if self.connection is not None:
            try:
                pgconn = self.connection.pgconn
                idle = (
                    pgconn.status == pq.ConnStatus.OK
                    and pgconn.transaction_status == pq.TransactionStatus.IDLE
                )
                if idle and not select.select([pgconn.socket], [], [], 0)[0]:
                    return True
            except (OSError, ValueError, psycopg.Error):
                pass  # Django's check decides
        return super().is_usable()
