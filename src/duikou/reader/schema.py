"""validate_plan: the shape every duikou.plan/1 object must have (the importer reuses it)."""

from __future__ import annotations

import re
from typing import Any

SCHEMA = "duikou.plan/1"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIELDS = ("schema", "title", "doc_number", "issuer", "issued_on", "period", "donors", "recipients",
           "pairings", "funding", "targets", "tasks")  # fmt: skip
_TASK_FIELDS = ("number", "path", "title", "text", "lead_units", "support_units", "deadline", "due")
_TARGET_FIELDS = ("text", "indicator", "value", "unit", "comparator", "year", "allocations")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _optional_text(errors: list[str], where: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        errors.append(f"{where}: expected a string or null, got {type(value).__name__}")


def _text_list(errors: list[str], where: str, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{where}: expected a list of strings")


def _year(errors: list[str], where: str, value: Any, *, nullable: bool = True) -> None:
    if value is None and nullable:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
        errors.append(f"{where}: expected a year, got {value!r}")


def validate_plan(obj: Any) -> list[str]:
    """Return the ways obj differs from the duikou.plan/1 format; an empty list means it is valid."""
    if not isinstance(obj, dict):
        return ["plan: expected an object"]
    errors = [f"{name}: missing" for name in _FIELDS if name not in obj]
    if errors:
        return errors
    if obj["schema"] != SCHEMA:
        errors.append(f"schema: expected {SCHEMA!r}")
    for name in ("title", "doc_number", "issuer"):
        _optional_text(errors, name, obj[name])
    issued = obj["issued_on"]
    if issued is not None and not (isinstance(issued, str) and _ISO_DATE.match(issued)):
        errors.append("issued_on: expected an ISO date or null")
    period = obj["period"]
    if period is not None:
        if not isinstance(period, dict) or set(period) < {"start_year", "end_year"}:
            errors.append("period: expected {start_year, end_year} or null")
        else:
            _year(errors, "period.start_year", period["start_year"], nullable=False)
            _year(errors, "period.end_year", period["end_year"], nullable=False)
            if isinstance(period["start_year"], int) and isinstance(period["end_year"], int):
                if period["start_year"] > period["end_year"]:
                    errors.append("period: start_year after end_year")
    _text_list(errors, "donors", obj["donors"])
    _text_list(errors, "recipients", obj["recipients"])
    lists = {}
    for name in ("pairings", "funding", "targets", "tasks"):
        if isinstance(obj[name], list):
            lists[name] = obj[name]
        else:
            errors.append(f"{name}: expected a list")
            lists[name] = []
    for i, pair in enumerate(lists["pairings"]):
        if not isinstance(pair, dict) or not all(
            isinstance(pair.get(k), str) and pair.get(k) for k in ("donor", "recipient")
        ):
            errors.append(f"pairings[{i}]: expected donor and recipient strings")
    for i, row in enumerate(lists["funding"]):
        if not isinstance(row, dict):
            errors.append(f"funding[{i}]: expected an object")
            continue
        _year(errors, f"funding[{i}].year", row.get("year"), nullable=False)
        if not _is_number(row.get("amount_yuan")):
            errors.append(f"funding[{i}].amount_yuan: expected a number")
        _optional_text(errors, f"funding[{i}].source", row.get("source"))
        _optional_text(errors, f"funding[{i}].text", row.get("text"))
    for i, target in enumerate(lists["targets"]):
        where = f"targets[{i}]"
        if not isinstance(target, dict):
            errors.append(f"{where}: expected an object")
            continue
        errors += [f"{where}.{k}: missing" for k in _TARGET_FIELDS if k not in target]
        if not _is_number(target.get("value")):
            errors.append(f"{where}.value: expected a number")
        if not isinstance(target.get("unit"), str) or not target.get("unit"):
            errors.append(f"{where}.unit: expected a unit name")
        if target.get("comparator") not in (">=", "<=", "="):
            errors.append(f"{where}.comparator: expected >=, <= or =")
        _optional_text(errors, f"{where}.text", target.get("text"))
        _optional_text(errors, f"{where}.indicator", target.get("indicator"))
        _year(errors, f"{where}.year", target.get("year"))
        allocations = target.get("allocations")
        if not isinstance(allocations, list):
            errors.append(f"{where}.allocations: expected a list")
            continue
        for j, allocation in enumerate(allocations):
            if (
                not isinstance(allocation, dict)
                or not isinstance(allocation.get("unit"), str)
                or not _is_number(allocation.get("value"))
            ):
                errors.append(f"{where}.allocations[{j}]: expected unit and numeric value")
    for i, task in enumerate(lists["tasks"]):
        where = f"tasks[{i}]"
        if not isinstance(task, dict):
            errors.append(f"{where}: expected an object")
            continue
        errors += [f"{where}.{k}: missing" for k in _TASK_FIELDS if k not in task]
        for key in ("number", "title", "text", "deadline"):
            _optional_text(errors, f"{where}.{key}", task.get(key))
        for key in ("path", "lead_units", "support_units"):
            _text_list(errors, f"{where}.{key}", task.get(key, []))
        due = task.get("due")
        if due is not None and not (isinstance(due, str) and _ISO_DATE.match(due)):
            errors.append(f"{where}.due: expected an ISO date or null")
    return errors
