"""Logging filters: an ordinary refusal (403) is one warning line, not a traceback."""

import logging

from django.core.exceptions import PermissionDenied


class QuietPermissionDenied(logging.Filter):
    """Drops the traceback of `Forbidden (Permission denied)` records: a refusal is expected, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, PermissionDenied):
            reason = str(exc)
            record.exc_info = None
            record.exc_text = None
            if reason:
                record.msg = f"{record.msg}（%s）"
                record.args = (*(record.args or ()), reason)
        return True
