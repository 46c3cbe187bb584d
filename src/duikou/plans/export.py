"""A plan written out again as duikou.plan/1: what was imported, with every correction made since."""

from __future__ import annotations

from decimal import Decimal

from duikou.targets.units import item_unit_fields

from .models import Plan, Responsibility, Task
from .schema import SCHEMA_ID


def _number(value: Decimal):
    """Integral values as int, others as float, as the interchange format writes them."""
    return int(value) if value == value.to_integral_value() else float(value)


def export_plan(plan: Plan) -> dict:
    """The plan as a duikou.plan/1 object: what was imported, with every correction made since."""
    tasks = plan.tasks.order_by("order").prefetch_related("responsibilities")
    targets = plan.targets.order_by("order").prefetch_related("allocations")
    out = {
        "schema": SCHEMA_ID,
        "title": plan.title,
        "doc_number": plan.doc_number or None,
        "issuer": plan.issuer or None,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "period": (
            {"start_year": plan.start_year, "end_year": plan.end_year}
            if plan.start_year or plan.end_year
            else None
        ),
        "donors": list(plan.donors_printed),
        "recipients": list(plan.recipients_printed),
        "pairings": [
            {
                "donor": p.donor_printed or p.donor.name,
                "recipient": p.recipient_printed or p.recipient.name,
                **_kept(p),
            }
            for p in plan.pairings.order_by("order", "id").select_related("donor", "recipient")
        ],
        "funding": [
            {
                "source": f.source,
                "year": f.year,
                "amount_yuan": _number(f.amount),
                "text": f.text or None,
                **_kept(f),
            }
            for f in plan.funding_lines.order_by("order", "id")
        ],
        "targets": [
            {
                "text": t.text or None,
                "indicator": t.indicator,
                "value": _number(t.value),
                "comparator": t.comparator,
                "year": t.year,
                "allocations": [
                    {
                        "unit": a.printed_name,
                        "value": _number(a.value),
                        **_nested_kept(t, "allocations", a.order),
                    }
                    for a in sorted(t.allocations.all(), key=lambda a: a.order)
                ],
                # the stored unit decides, not a printed 人次 kept from the file (the office may have changed it)
                **{k: v for k, v in _kept(t).items() if k != "unit_as_printed"},
                **item_unit_fields(t.unit, t.unit_text),
            }
            for t in targets
        ],
        "tasks": [
            {
                "number": t.number or None,
                "path": list(t.path),
                "title": t.title,
                "text": t.text or None,
                "lead_units": _printed(t, Responsibility.LEAD),
                "support_units": _printed(t, Responsibility.SUPPORT),
                "deadline": t.deadline or None,
                "due": t.due_date.isoformat() if t.due_date else None,
                **_kept(t),
            }
            for t in tasks
        ],
    }
    out.update({k: v for k, v in (plan.extra or {}).items() if k not in out})
    return out


def _kept(record) -> dict:
    return {k: v for k, v in (record.extra or {}).items() if k != "_nested"}


def _nested_kept(record, name: str, index: int) -> dict:
    items = (record.extra or {}).get("_nested", {}).get(name) or []
    return items[index] if index < len(items) else {}


def _printed(task: Task, role: str) -> list[str]:
    return [
        r.printed_name for r in sorted(task.responsibilities.all(), key=lambda r: r.order) if r.role == role
    ]
