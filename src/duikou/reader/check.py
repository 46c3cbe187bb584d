"""check_plan: where a plan's own numbers add up and where they do not."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TypedDict

from .numbers import find_quantities, format_yuan, tidy

_TOTAL = re.compile(r"(?:共计|合计|总计|累计|总额|总共)\s*(?:安排|投入|援助)?\s*$")
_SUBTOTAL = re.compile(r"其中")


class Finding(TypedDict):
    """One check result: ok or not, its kind, a message, and the sentence it is about."""

    ok: bool
    kind: str
    message: str
    sentence: str


def _amount(value: float, unit: str, lang: str) -> str:
    if unit == "yuan":
        return format_yuan(value, lang)
    suffix = {
        "person": "人" if lang == "zh" else " people",
        "person_time": "人次" if lang == "zh" else " person-times",
        "count": "个" if lang == "zh" else "",
        "percent": "%",
    }.get(unit, unit)
    return f"{tidy(value)}{suffix}"


def _sum_expression(values: list[float], unit: str, lang: str) -> str:
    """1250+1305×4 for a schedule, in the schedule's printed scale (万/亿) when it divides evenly."""
    scale, word = 1, ""
    if unit == "yuan":
        if all(v % 100_000_000 == 0 for v in values):
            scale, word = 100_000_000, "亿元"
        elif all(v % 10_000 == 0 for v in values):
            scale, word = 10_000, "万元"
        else:
            word = "元"
    groups: list[tuple[float, int]] = []
    for value in values:
        if groups and groups[-1][0] == value:
            groups[-1] = (value, groups[-1][1] + 1)
        else:
            groups.append((value, 1))
    terms = [f"{tidy(v / scale)}" + (f"×{n}" if n > 1 else "") for v, n in groups]
    total = sum(values)
    if unit == "yuan" and lang != "zh":
        scale_note = f" (×{scale:,} yuan)" if scale > 1 else ""
        return f"{'+'.join(terms)}{scale_note} = {_amount(total, unit, lang)}"
    if unit != "yuan":
        return f"{'+'.join(terms)} = {_amount(total, unit, lang)}"
    return f"{'+'.join(terms)} = {tidy(total / scale)}{word}"


def _stated_total(text: str) -> float | None:
    for quantity in find_quantities(text or ""):
        if quantity.unit == "yuan" and _TOTAL.search(text[max(0, quantity.start - 8) : quantity.start]):
            return quantity.value
    return None


def _messages(lang: str) -> dict[str, str]:
    if lang == "zh":
        return {
            "funding_ok": "逐年安排合计与所列总额一致：{expr}。",
            "funding_bad": "逐年安排合计 {expr}，与所列总额 {total} 不符（相差 {diff}）。",
            "alloc_ok": "分解到各单位的数合计与目标一致：{expr}（目标 {total}）。",
            "alloc_over": "分解到各单位的数合计 {expr}，高于目标 {total}（目标为“以上”，可以）。",
            "alloc_bad": "分解到各单位的数合计 {expr}，与目标 {total} 不符（相差 {diff}）。",
            "percent_bad": "百分比 {value}% 超过 100%。",
            "sub_ok": "“其中”所列分项合计与总数一致：{expr}（总数 {total}）。",
            "sub_bad": "“其中”所列分项合计 {expr}，与总数 {total} 不符（相差 {diff}）。",
            "nothing": "没有可核对的数字（无逐年资金安排、无分解目标）。",
            "alloc_sum": "未列总数，按分解合计：{expr}。",
        }
    return {
        "funding_ok": "the yearly schedule adds up to the stated total: {expr}.",
        "funding_bad": "the yearly schedule adds up to {expr}, not the stated total {total} (off by {diff}).",
        "alloc_ok": "the allocations add up to the target: {expr} (target {total}).",
        "alloc_over": "the allocations add up to {expr}, above the target {total} (an 'at least' target, fine).",
        "alloc_bad": "the allocations add up to {expr}, not the target {total} (off by {diff}).",
        "percent_bad": "a percentage of {value}% is above 100%.",
        "sub_ok": "the 其中 parts add up to the total: {expr} (total {total}).",
        "sub_bad": "the 其中 parts add up to {expr}, not the total {total} (off by {diff}).",
        "nothing": "nothing to check (no yearly schedule, no split targets).",
        "alloc_sum": "no total stated; the allocations add up to {expr}.",
    }


def check_plan(plan: dict, *, lang: str = "zh") -> list[Finding]:
    """Check schedules against stated totals, allocations against targets, 其中 parts, and percentages."""
    say = _messages(lang)
    findings: list[Finding] = []
    schedules: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in plan.get("funding") or []:
        schedules[(row.get("source") or "", row.get("text") or "")].append(row)
    for (_source, text), rows in schedules.items():
        total = rows[0].get("total_yuan") or _stated_total(text)
        if total is None:
            continue
        values = [float(r.get("amount_yuan") or 0) for r in sorted(rows, key=lambda r: r.get("year") or 0)]
        expr = _sum_expression(values, "yuan", lang)
        if abs(sum(values) - total) < 0.5:
            findings.append(
                Finding(
                    ok=True, kind="funding_total", message=say["funding_ok"].format(expr=expr), sentence=text
                )
            )
        else:
            findings.append(
                Finding(
                    ok=False,
                    kind="funding_total",
                    message=say["funding_bad"].format(
                        expr=expr,
                        total=format_yuan(total, lang),
                        diff=format_yuan(abs(sum(values) - total), lang),
                    ),
                    sentence=text,
                )
            )
    targets = plan.get("targets") or []
    for target in targets:
        unit = target.get("unit") or ""
        value = target.get("value")
        sentence = target.get("text") or ""
        if unit == "percent" and isinstance(value, int | float) and value > 100:
            findings.append(
                Finding(
                    ok=False,
                    kind="percent_range",
                    message=say["percent_bad"].format(value=tidy(value)),
                    sentence=sentence,
                )
            )
        allocations = target.get("allocations") or []
        if not allocations or not isinstance(value, int | float):
            continue
        parts = [float(a.get("value") or 0) for a in allocations]
        if len(parts) < 2:
            continue
        expr = _sum_expression(parts, unit, lang)
        if target.get("value_is_sum"):
            findings.append(
                Finding(
                    ok=True,
                    kind="allocation_total",
                    message=say["alloc_sum"].format(expr=expr),
                    sentence=sentence,
                )
            )
            continue
        stated = _amount(value, unit, lang)
        difference = sum(parts) - value
        if abs(difference) < 0.5:
            ok, key = True, "alloc_ok"
        elif difference > 0 and target.get("comparator") == ">=":
            ok, key = True, "alloc_over"
        else:
            ok, key = False, "alloc_bad"
        findings.append(
            Finding(
                ok=ok,
                kind="allocation_total",
                message=say[key].format(expr=expr, total=stated, diff=_amount(abs(difference), unit, lang)),
                sentence=sentence,
            )
        )
    findings += _subtotals(targets, say, lang)
    findings += _reading_findings(plan, lang)
    if not findings:
        findings.append(Finding(ok=True, kind="nothing", message=say["nothing"], sentence=""))
    return findings


def _subtotals(targets: list[dict], say: dict[str, str], lang: str) -> list[Finding]:
    """A total and its 其中 parts printed in one sentence: 400亿元，其中280亿元、5亿元、115亿元."""
    findings: list[Finding] = []
    index = 0
    while index < len(targets):
        head = targets[index]
        text = head.get("text") or ""
        following = index + 1
        while (
            following < len(targets)
            and targets[following].get("text") == text
            and targets[following].get("unit") == head.get("unit")
        ):
            following += 1
        parts = targets[index + 1 : following]
        if (
            len(parts) >= 2
            and _SUBTOTAL.search(text)
            and head.get("unit") in ("yuan", "person", "person_time", "count")
        ):
            values = [float(p.get("value") or 0) for p in parts]
            expr = _sum_expression(values, head["unit"], lang)
            total = float(head.get("value") or 0)
            ok = abs(sum(values) - total) < 0.5
            message = say["sub_ok" if ok else "sub_bad"].format(
                expr=expr,
                total=_amount(total, head["unit"], lang),
                diff=_amount(abs(sum(values) - total), head["unit"], lang),
            )
            findings.append(Finding(ok=ok, kind="subtotal", message=message, sentence=text))
        index = max(following, index + 1)
    return findings


def _reading_findings(plan: dict, lang: str) -> list[Finding]:
    """What the reading was unsure of, for a plan that comes from the reader (it carries ``findings``).

    Findings only the source shows are taken as read; the others are recomputed from the plan as it is now,
    so an office's corrections in the import review clear them.
    """
    if "findings" not in plan:
        return []
    from .findings import SOURCE_CODES, plan_findings  # the reader's rules, loaded only for readings

    kept = [f for f in plan.get("findings") or [] if f.get("code") in SOURCE_CODES]
    found = [*kept, *plan_findings(plan)]
    return [
        Finding(
            ok=False,
            kind=str(f.get("code") or "reading"),
            message=str(f.get("message") or ""),
            sentence=str(f.get("where") or ""),
        )
        for f in found
    ]


def format_findings(findings: list[Finding], lang: str = "zh") -> str:
    """Findings as lines a person can read: ✓/✗, the message, then the sentence it is about."""
    lines: list[str] = []
    label = "原文" if lang == "zh" else "sentence"
    for finding in findings:
        mark = "✓" if finding["ok"] else "✗"
        lines.append(f"{mark} {finding['message']}")
        if finding["sentence"]:
            lines.append(
                f"    {label}：{finding['sentence']}"
                if lang == "zh"
                else f"    {label}: {finding['sentence']}"
            )
    return "\n".join(lines)
