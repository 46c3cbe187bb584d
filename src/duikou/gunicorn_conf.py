"""gunicorn settings for `duikou serve`: request limits before Django reads anything, and no Server header."""

import gunicorn.http.wsgi

# Limits gunicorn enforces while parsing the request head (the body limit is DUIKOU_MAX_REQUEST_BYTES, checked
# by duikou.core.middleware.RequestSizeLimitMiddleware before the body is read).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# A worker that takes longer than this on one request is killed and replaced (parse budgets are shorter).
timeout = 120
graceful_timeout = 30
# A client's connection stays open this long between its requests (the gthread worker `duikou serve` runs; the sync
# worker closes each one): longer than a person's pause between pages (the load's users think 10-30 s), as browsers
# and proxies keep theirs (nginx: 75 s), so a request does not pay a new TCP connection.
keepalive = 75


_default_headers = gunicorn.http.wsgi.Response.default_headers


def _without_server(self):
    # gunicorn names itself in every response (`Server: gunicorn`); the software and its version are nobody's business.
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


gunicorn.http.wsgi.Response.default_headers = _without_server

# The master starts the scheduler (daily reminders, 督办, deliveries) and the job queue's worker, and stops them on exit;
# each web worker warms itself (URLs, templates) before its first request.
from duikou.gunicorn_hooks import on_exit, on_starting, post_worker_init  # noqa: E402, F401
