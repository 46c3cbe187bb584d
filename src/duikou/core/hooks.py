"""Work a lower layer asks of a higher one, by name: the caller says explicitly what happened (a plan was imported
in bulk, a receipt was judged), the higher app registers what it does about it in its AppConfig.ready.

Unlike model signals these fire only where a service calls them, once per event, inside the caller's
transaction; the handlers are listed in docs/architecture.md ("Summaries and signals").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

# A plan and its rows were written in bulk (no per-row signals): handlers count them (plan_id=).
PLAN_IMPORTED = "plan_imported"
# A transaction's receipt was confirmed or corrected (transaction=, agrees=): handlers flag or clear notices.
RECEIPT_JUDGED = "receipt_judged"

_handlers: dict[str, list[Callable]] = defaultdict(list)


def register(event: str, handler: Callable) -> None:
    """Run `handler(**details)` whenever `event` fires (idempotent: a handler is registered once)."""
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def fire(event: str, **details) -> None:
    """Run every handler of `event`, in registration order, in the caller's transaction."""
    for handler in _handlers[event]:
        handler(**details)
