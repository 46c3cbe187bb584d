"""The indicator catalogue, the matcher from a document's words to an indicator, and progress per indicator at
every level (pair → city → province → national) from approved figures and the records that count by kind.

What counts toward an indicator in year Y:
- figures on targets mapped to it: each unit's latest approved cumulative figure at the end of Y, less the one
  at the end of Y-1 (the year's own work);
- records by kind (the catalogue's `sources`): confirmed disbursements, dispatches active in Y, projects from
  立项 on started in Y, pairings active in Y.
Records are the better evidence: where a program has records for an indicator in Y, figures on targets mapped
to that indicator in that program are not added as well (they would count the same people or money twice).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from duikou.core.dates import today_for
from duikou.core.errors import InputError
from duikou.dispatches.models import Dispatch
from duikou.funds.models import Transaction
from duikou.organizations.models import Organization
from duikou.organizations.models import Organization as Org
from duikou.programs.models import Pairing, Program
from duikou.projects.models import Project
from duikou.reports.achieved import latest_figures
from duikou.supervision.lights import target_light
from duikou.targets.models import Target

from .models import AgreedValue, Agreement, Indicator

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue-2021.json"
ZERO = Decimal(0)
WAN = Decimal(10000)
NATIONAL, PROVINCE, CITY, PAIR = "national", "province", "city", "pair"
LEVELS = (NATIONAL, PROVINCE, CITY, PAIR)

# A target's unit (targets.Target.UNITS) and the indicator units it can stand for.
UNIT_FAMILY = {
    "yuan": {Indicator.WAN_YUAN},
    "person": {Indicator.PERSON, Indicator.PERSON_TIMES},
    "person_time": {Indicator.PERSON_TIMES},  # 人次, as the reader reads it: attendances, never a head count
    "count": {Indicator.COUNT},
    "other": {Indicator.WAN_YUAN, Indicator.PERSON, Indicator.PERSON_TIMES, Indicator.COUNT},
}


# ------------------------------------------------------------------ the catalogue


def load_catalogue(path: Path = CATALOGUE_FILE, *, model=Indicator) -> int:
    """Create the edition in `path` where its codes are missing (the office's edits of existing rows are kept)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    edition = int(data["edition"])
    by_code: dict[str, object] = {}
    created = 0
    for order, item in enumerate(data["indicators"]):
        row, made = model.objects.get_or_create(
            code=item["code"],
            year_from=edition,
            defaults={
                "name": item["name"],
                "unit": item["unit"],
                "rollup": item.get("rollup", "sum"),
                "parent": by_code.get(item.get("parent")),
                "relation": item.get("relation", "part"),
                "order": (order + 1) * 10,
                "words": item.get("words", []),
                "sources": item.get("sources", []),
            },
        )
        by_code[item["code"]] = row
        created += made
    return created


def catalogue(year: int | None = None) -> list[Indicator]:
    """The indicators in force in `year` (the latest edition of each code), in the order of the national form."""
    year = year or today_for().year
    first = Indicator.objects.order_by("year_from").values_list("year_from", flat=True).first()
    if first is not None and year < first:
        year = first  # a plan from before the first edition is read with the first edition
    rows = Indicator.objects.filter(
        Q(year_to__isnull=True) | Q(year_to__gte=year), year_from__lte=year
    ).select_related("parent")
    latest: dict[str, Indicator] = {}
    for row in rows.order_by("code", "-year_from"):
        latest.setdefault(row.code, row)
    return sorted(latest.values(), key=lambda i: (_top_order(i, latest), i.order, i.code))


def _top_order(indicator: Indicator, by_code: dict[str, Indicator]) -> int:
    parent = indicator.parent
    return by_code.get(parent.code, parent).order if parent is not None else indicator.order


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a broken pattern the office typed matches nothing rather than failing an import


def propose_indicator(text: str, unit: str | None, indicators: Iterable[Indicator]) -> Indicator | None:
    """The indicator whose words cover most of `text` (a target's name and sentence), among those of a fitting unit.

    Ties go to the more specific indicator (a part or 其中 over its parent), then to the form's order."""
    allowed = UNIT_FAMILY.get(unit or "other", UNIT_FAMILY["other"])
    best, best_key = None, None
    for indicator in indicators:
        if indicator.unit not in allowed:
            continue
        covered = 0
        for pattern in indicator.words or []:
            compiled = _compiled(pattern)
            found = compiled.search(text) if compiled else None
            if found:
                covered += len(found.group(0))
        if not covered:
            continue
        key = (covered, indicator.parent_id is not None, -indicator.order)
        if best_key is None or key > best_key:
            best, best_key = indicator, key
    return best


def propose_for_target(target, indicators: list[Indicator] | None = None) -> Indicator | None:
    """The proposal for one target: its printed name first, its sentence if the name says nothing."""
    if indicators is None:
        year = target.year or getattr(target.plan, "start_year", None)
        indicators = catalogue(year)
    return propose_indicator(target.indicator or "", target.unit, indicators) or propose_indicator(
        target.text or "", target.unit, indicators
    )


def propose_for_items(items: list[dict], year: int | None = None) -> list[Indicator | None]:
    """Proposals for the targets of an import draft (dicts of duikou.plan/1)."""
    indicators = catalogue(year)
    by_code = {i.code: i for i in indicators}
    out = []
    for item in items:
        chosen = by_code.get(item.get("national_indicator") or "")
        if chosen is None and item.get("national_indicator") != "none":
            unit = item.get("unit")
            chosen = propose_indicator(item.get("indicator") or "", unit, indicators) or propose_indicator(
                item.get("text") or "", unit, indicators
            )
        out.append(chosen)
    return out


@transaction.atomic
def map_target(*, target, indicator: Indicator | None, user=None) -> None:
    """The office confirms (or changes, or clears) the indicator a target counts toward."""
    target.national_indicator = indicator
    target.national_indicator_confirmed = True  # None confirmed: the office says it counts toward none
    target.save(update_fields=["national_indicator", "national_indicator_confirmed", "updated_at"])


# ------------------------------------------------------------------ what counts


@dataclass(frozen=True)
class Row:
    """One contribution to an indicator: a figure, a dispatch, a payment, a project or a pairing."""

    code: str
    key: tuple
    value: Decimal
    program_id: int
    a: str  # tree path of the organization that gave (or reported)
    b: str = ""  # tree path of the organization that received, where known
    from_figure: bool = False


def figures_as_of(targets, year: int) -> dict[tuple[int, int], tuple[Decimal, str]]:
    """(target, unit) → (the unit's latest approved cumulative figure in a period ended by 31 December of `year`,
    the unit's tree path), from the project's owner of achieved-to-date (duikou.reports.achieved); `targets` is a
    queryset of target ids, so a national run sends no list of ids."""

    rows = latest_figures(target_ids=targets, as_of=dt.date(year, 12, 31)).values_list(
        "target_id", "report__organization_id", "value", "report__organization__tree_path"
    )
    return {(t, o): (v, path) for t, o, v, path in rows.iterator(chunk_size=5000)}


def _figure_rows(year: int, program_ids: set[int] | None) -> list[Row]:

    targets = Target.objects.filter(national_indicator__isnull=False)
    if program_ids is not None:
        targets = targets.filter(plan__program_id__in=program_ids)
    info = {
        pk: (code, unit, program_id)
        for pk, code, unit, program_id in targets.values_list(
            "pk", "national_indicator__code", "unit", "plan__program_id"
        ).iterator(chunk_size=5000)
    }
    if not info:
        return []
    ids = targets.values("pk")
    now, before = figures_as_of(ids, year), figures_as_of(ids, year - 1)
    money = set(Indicator.objects.filter(unit=Indicator.WAN_YUAN).values_list("code", flat=True))
    rows = []
    for (target_id, org_id), (value, path) in now.items():
        code, unit, program_id = info[target_id]
        delta = value - before.get((target_id, org_id), (ZERO, ""))[0]
        if code in money and unit == "yuan":
            delta = delta / WAN
        rows.append(Row(code, ("figure", target_id, org_id), delta, program_id, path, "", True))
    return rows


def _in_year(year: int):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _donor_paths(program_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per program, the tree paths of its giving side (its donors and the donors of its pairings)."""

    out: dict[int, list[str]] = defaultdict(list)
    for pk, path in Program.donors.through.objects.filter(program_id__in=program_ids).values_list(
        "program_id", "organization__tree_path"
    ):
        out[pk].append(path)
    for pk, path in Pairing.objects.filter(program_id__in=program_ids).values_list(
        "program_id", "donor__tree_path"
    ):
        out[pk].append(path)
    return out


def _within(path: str, roots: Iterable[str]) -> bool:
    return any(path.startswith(root) for root in roots)


def _record_rows(year: int, program_ids: set[int] | None, sources: dict[str, list[str]]) -> list[Row]:

    first, last = _in_year(year)
    rows: list[Row] = []

    def emit(source: str, key: tuple, value: Decimal, program_id: int, a: str, b: str = "") -> None:
        for code in sources.get(source, ()):
            rows.append(Row(code, key, value, program_id, a, b))

    if "disbursement" in sources:
        payments = Transaction.objects.filter(
            kind=Transaction.DISBURSEMENT,
            receipt_status=Transaction.CONFIRMED,
            received_on__gte=first,
            received_on__lte=last,
        )
        if program_ids is not None:
            payments = payments.filter(
                Q(funding_line__plan__program_id__in=program_ids) | Q(project__program_id__in=program_ids)
            )
        for pk, received, amount, line_program, project_program, a, b in payments.values_list(
            "pk",
            "received_amount",
            "amount",
            "funding_line__plan__program_id",
            "project__program_id",
            "payer__tree_path",
            "payee__tree_path",
        ):
            value = (received if received is not None else amount) / WAN
            emit("disbursement", ("payment", pk), value, line_program or project_program, a, b)

    dispatch_sources = [s for s in sources if s.startswith("dispatch:")]
    if dispatch_sources:
        people = Dispatch.objects.filter(start_date__lte=last).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first)
        )
        if program_ids is not None:
            people = people.filter(program_id__in=program_ids)
        people = list(
            people.values_list(
                "pk", "field", "program_id", "from_organization__tree_path", "to_organization__tree_path"
            )
        )
        donors = _donor_paths({p[2] for p in people})
        for pk, kind, program_id, a, b in people:
            source = f"dispatch:{kind}"
            if kind == Dispatch.CADRE:
                source += ":out" if _within(a, donors.get(program_id, ())) else ":in"
            emit(source, ("dispatch", pk), Decimal(1), program_id, a, b)

    if "project:count" in sources or "project:budget" in sources:
        started = Project.objects.filter(
            status__in=[Project.APPROVED, Project.UNDER_WAY, Project.COMPLETED, Project.IN_USE]
        ).filter(
            Q(start_date__gte=first, start_date__lte=last) | Q(start_date__isnull=True, created_at__year=year)
        )
        if program_ids is not None:
            started = started.filter(program_id__in=program_ids)
        for pk, budget, program_id, recipient, implementer in started.values_list(
            "pk", "budget", "program_id", "recipient__tree_path", "implementer__tree_path"
        ):
            a, b = (implementer, recipient) if implementer else (recipient, "")
            emit("project:count", ("project", pk), Decimal(1), program_id, a, b)
            emit("project:budget", ("project", pk), budget / WAN, program_id, a, b)

    pairing_sources = [s for s in sources if s.startswith("pairing:")]
    if pairing_sources:
        pairs = Pairing.objects.filter(Q(start_date__isnull=True) | Q(start_date__lte=last)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first)
        )
        if program_ids is not None:
            pairs = pairs.filter(program_id__in=program_ids)
        for level, donor_kind, recipient_id, recipient_level, program_id, a, b in pairs.values_list(
            "level",
            "donor__kind",
            "recipient_id",
            "recipient__level",
            "program_id",
            "donor__tree_path",
            "recipient__tree_path",
        ):
            source = _pairing_source(level, donor_kind, recipient_level)
            if source:
                # Counted are the supported places (a village two enterprises pair with is one village).
                emit(source, (source, recipient_id), Decimal(1), program_id, a, b)
    return rows


def _pairing_source(level: str, donor_kind: str, recipient_level: str) -> str | None:

    if level == Pairing.VILLAGE or recipient_level == Org.VILLAGE:
        if donor_kind == Org.ENTERPRISE:
            return "pairing:enterprise_village"
        if donor_kind in (Org.OTHER, Org.GROUP):
            return "pairing:social_village"
        return "pairing:village"
    return {
        Pairing.COUNTY: "pairing:county",
        Pairing.TOWN: "pairing:town",
        Pairing.SCHOOL: "pairing:school",
        Pairing.HOSPITAL: "pairing:hospital",
    }.get(level)


def contributions(
    year: int, program_ids: set[int] | None = None, indicators: list[Indicator] | None = None
) -> list[Row]:
    """Every contribution to an indicator in `year` (records over figures, per program and indicator)."""
    indicators = indicators if indicators is not None else catalogue(year)
    sources: dict[str, list[str]] = defaultdict(list)
    for indicator in indicators:
        for source in indicator.sources or []:
            sources[source].append(indicator.code)
    records = _record_rows(year, program_ids, sources)
    has_records = {(r.code, r.program_id) for r in records}
    figures = [r for r in _figure_rows(year, program_ids) if (r.code, r.program_id) not in has_records]
    return records + figures


# ------------------------------------------------------------------ roll-up


@dataclass
class Line:
    """One indicator's agreed and achieved values at one place."""

    indicator: Indicator
    agreed: Decimal | None
    achieved: Decimal
    depth: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.agreed:
            return None
        return (self.achieved / self.agreed * 100).quantize(Decimal("0.1"))


@dataclass
class Group:
    """One place of a level (a province, a city, a pair) with its lines."""

    name: str
    id: int
    lines: list[Line] = field(default_factory=list)


def _members(indicators: list[Indicator]) -> dict[str, set[str]]:
    """Code → the codes whose rows it adds up: itself and its parts, recursively (not its 其中)."""
    children: dict[str, list[Indicator]] = defaultdict(list)
    for i in indicators:
        if i.parent_id:
            children[i.parent.code].append(i)

    def walk(code: str) -> set[str]:
        out = {code}
        for child in children.get(code, ()):
            if child.relation == Indicator.PART:
                out |= walk(child.code)
        return out

    return {i.code: walk(i.code) for i in indicators}


def achieved_by_code(rows: Iterable[Row], indicators: list[Indicator]) -> dict[str, Decimal]:
    """Code → the sum over distinct contributions (a contribution counted at two pairs counts once above them)."""
    by_code: dict[str, dict[tuple, Decimal]] = defaultdict(dict)
    for r in rows:
        by_code[r.code][r.key] = r.value
    out = {}
    for code, members in _members(indicators).items():
        seen: dict[tuple, Decimal] = {}
        for member in members:
            seen.update(by_code.get(member, {}))
        out[code] = sum(seen.values(), ZERO)
    return out


def _depth(indicator: Indicator) -> int:
    return 1 if indicator.parent_id else 0


def _agreed_by_code(
    agreements: Iterable[Agreement], indicators: list[Indicator]
) -> dict[str, Decimal | None]:
    """Code → agreed total over these agreements; a parent nobody agreed on directly adds up its agreed parts."""
    direct: dict[str, Decimal] = defaultdict(lambda: ZERO)
    any_value = False
    for value in AgreedValue.objects.filter(agreement__in=[a.pk for a in agreements]).values_list(
        "indicator__code", "value"
    ):
        direct[value[0]] += value[1]
        any_value = True
    out: dict[str, Decimal | None] = {}
    for i in reversed(indicators):  # parts before their parents
        if i.code in direct:
            out[i.code] = direct[i.code]
        else:
            parts = [
                out.get(c.code)
                for c in indicators
                if c.parent_id and c.parent.code == i.code and c.relation == Indicator.PART
            ]
            known = [p for p in parts if p is not None]
            out[i.code] = sum(known, ZERO) if known else None
    return out if any_value else {i.code: None for i in indicators}


def _lines(indicators, agreed, achieved) -> list[Line]:
    return [Line(i, agreed.get(i.code), achieved.get(i.code, ZERO), _depth(i)) for i in indicators]


def _pair_match(row: Row, donor: str, recipient: str) -> bool:
    a, b = row.a, row.b
    if a.startswith(donor):
        return not b or b.startswith(recipient)
    if a.startswith(recipient):
        return not b or b.startswith(donor)
    return False


def _top_agreements(agreements: list[Agreement]) -> list[Agreement]:
    """Agreements not inside another one of the same program and year (a county pair's inside its province's)."""
    out = []
    for a in agreements:
        p = a.pairing
        inside = any(
            o is not a
            and o.pairing.program_id == p.program_id
            and o.pairing_id != p.pk
            and p.donor.tree_path.startswith(o.pairing.donor.tree_path)
            and p.recipient.tree_path.startswith(o.pairing.recipient.tree_path)
            for o in agreements
        )
        if not inside:
            out.append(a)
    return out


@dataclass
class Progress:
    """Agreed and achieved per indicator: the national lines, and the places of the level asked for."""

    year: int
    level: str
    lines: list[Line]
    groups: list[Group]


def progress(*, year: int, level: str = NATIONAL, program_ids: set[int] | None = None) -> Progress:
    """Progress per indicator in `year`, nationally and (for another level) per province, city or pair."""

    if level not in LEVELS:
        raise InputError(_("层级应为 %(levels)s 之一") % {"levels": "、".join(LEVELS)})
    indicators = catalogue(year)
    rows = contributions(year, program_ids, indicators)
    agreements = list(
        Agreement.objects.filter(year=year)
        .filter(**({"pairing__program_id__in": program_ids} if program_ids is not None else {}))
        .select_related("pairing__donor", "pairing__recipient")
    )
    top = _top_agreements(agreements)
    national = _lines(indicators, _agreed_by_code(top, indicators), achieved_by_code(rows, indicators))
    groups: list[Group] = []
    if level == PAIR:
        for a in sorted(agreements, key=lambda a: (a.pairing.donor.tree_path, a.pairing.recipient.tree_path)):
            p = a.pairing
            mine = [
                r
                for r in rows
                if r.program_id == p.program_id and _pair_match(r, p.donor.tree_path, p.recipient.tree_path)
            ]
            groups.append(
                Group(
                    f"{p.donor.full_name} → {p.recipient.full_name}",
                    p.pk,
                    _lines(indicators, _agreed_by_code([a], indicators), achieved_by_code(mine, indicators)),
                )
            )
    elif level in (PROVINCE, CITY):
        ids: set[int] = set()
        for path in (
            {r.a for r in rows}
            | {r.b for r in rows if r.b}
            | {a.pairing.donor.tree_path for a in agreements}
            | {a.pairing.recipient.tree_path for a in agreements}
        ):
            ids.update(int(x) for x in path.strip("/").split("/") if x)
        for org in Organization.objects.filter(pk__in=ids, level=level).order_by("tree_path"):
            root = org.tree_path
            mine = [r for r in rows if r.a.startswith(root) or (r.b and r.b.startswith(root))]
            theirs = [
                a
                for a in top
                if a.pairing.donor.tree_path.startswith(root)
                or a.pairing.recipient.tree_path.startswith(root)
            ]
            groups.append(
                Group(
                    org.full_name,
                    org.pk,
                    _lines(
                        indicators, _agreed_by_code(theirs, indicators), achieved_by_code(mine, indicators)
                    ),
                )
            )
    return Progress(year, level, national, groups)


def line_payload(line: Line) -> dict:
    """One indicator line as JSON: code, name, unit, agreed, achieved, rate, light."""
    return {
        "code": line.indicator.code,
        "name": line.indicator.name,
        "parent": line.indicator.parent.code if line.indicator.parent_id else None,
        "unit": line.indicator.unit,
        "agreed": None if line.agreed is None else float(line.agreed),
        "achieved": float(line.achieved),
        "rate": None if line.rate is None else float(line.rate),
        "light": light(line),
    }


def light(line: Line, *, today: dt.date | None = None, year: int | None = None) -> str:
    """green / yellow / red / done for one line against its agreement: the supervision lights' rule for a target
    (supervision.lights.target_light) over the agreement's year; no agreed value, no light."""
    if line.agreed is None or line.agreed == 0:
        return ""
    today = today or today_for()
    year = year or today.year
    return target_light(">=", line.agreed, line.achieved, start_year=year, end_year=year, today=today)


# ------------------------------------------------------------------ agreements


@transaction.atomic
def save_agreement(
    *,
    pairing,
    year: int,
    values: dict[str, Decimal | None],
    user=None,
    source: str = Agreement.MANUAL,
    title: str = "",
    plan=None,
    signed_on: dt.date | None = None,
) -> Agreement:
    """Create or update a pair's agreement for a year; `values` maps indicator codes to agreed values (None: drop)."""
    indicators = {i.code: i for i in catalogue(year)}
    unknown = [code for code in values if code not in indicators]
    if unknown:
        raise InputError(_("未知指标：%(codes)s") % {"codes": "、".join(unknown)})
    for code, value in values.items():
        if value is not None and value < 0:
            raise InputError(_("%(name)s：协议数不能为负") % {"name": indicators[code].name})
    agreement, _created = Agreement.objects.get_or_create(
        pairing=pairing,
        year=year,
        defaults={"source": source, "title": title, "plan": plan, "signed_on": signed_on},
    )
    changed = []
    if title and agreement.title != title:
        agreement.title = title
        changed.append("title")
    if agreement.source != source:
        agreement.source = source
        changed.append("source")
    if plan is not None and agreement.plan_id != plan.pk:
        agreement.plan = plan
        changed.append("plan")
    if signed_on and agreement.signed_on != signed_on:
        agreement.signed_on = signed_on
        changed.append("signed_on")
    if changed:
        agreement.save(update_fields=[*changed, "updated_at"])
    existing = {v.indicator.code: v for v in agreement.values.select_related("indicator")}
    for code, value in values.items():
        row = existing.get(code)
        if value is None:
            if row is not None:
                row.delete()
        elif row is None:
            AgreedValue.objects.create(agreement=agreement, indicator=indicators[code], value=value)
        elif row.value != value:
            row.value = value
            row.save(update_fields=["value", "updated_at"])
    return agreement


def values_from_plan(plan, year: int) -> dict[str, Decimal]:
    """Agreed values taken from a plan's mapped targets for `year` (targets without a year count too)."""

    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    targets = Target.objects.filter(plan=plan, national_indicator__isnull=False).filter(
        Q(year=year) | Q(year__isnull=True)
    )
    for code, unit, indicator_unit, value in targets.values_list(
        "national_indicator__code", "unit", "national_indicator__unit", "value"
    ):
        out[code] += value / WAN if unit == "yuan" and indicator_unit == Indicator.WAN_YUAN else value
    return dict(out)


MAX_SHEET_ROWS = 500


def read_agreement_sheet(raw: bytes, name: str, year: int) -> dict[str, Decimal]:
    """An agreement's table (指标 | 单位 | 协议数) from .xlsx: code → value; errors name the sheet and cell."""
    if len(raw) > 5 * 2**20:
        raise InputError(_("%(name)s：文件过大（上限 5 MB）") % {"name": name})
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InputError(_("%(name)s：不是 .xlsx 文件或已损坏") % {"name": name}) from None
    sheet = book.worksheets[0]
    indicators = catalogue(year)
    by_name = {}
    for i in indicators:
        by_name[i.code] = i
        by_name[_norm(i.name)] = i
        by_name[_norm(str(i))] = i
        if i.parent_id:
            by_name[_norm(i.parent.name + i.name)] = i
    header_row, name_col, value_col = None, None, None
    values: dict[str, Decimal] = {}
    for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if r > MAX_SHEET_ROWS:
            raise InputError(_("%(name)s：超过 %(n)s 行") % {"name": name, "n": MAX_SHEET_ROWS})
        cells = [("" if c is None else str(c)).strip() for c in row]
        if header_row is None:
            for c, text in enumerate(cells):
                if text in ("指标", "指标名称", "指标代码", "项目"):
                    name_col = c
                if text in ("协议数", "协议值", "目标任务", "年度目标"):
                    value_col = c
            if name_col is not None and value_col is not None:
                header_row = r
            continue
        label = cells[name_col] if name_col < len(cells) else ""
        if not label:
            continue
        place = f"{name} {sheet.title}!{get_column_letter(name_col + 1)}{r}"
        indicator = by_name.get(label) or by_name.get(_norm(label))
        if indicator is None:
            raise InputError(_("%(place)s：未知指标“%(label)s”") % {"place": place, "label": label})
        text = cells[value_col] if value_col < len(cells) else ""
        if not text:
            continue
        try:
            value = Decimal(text.replace(",", ""))
        except ArithmeticError:
            value = None
        vplace = f"{name} {sheet.title}!{get_column_letter(value_col + 1)}{r}"
        if value is None or not value.is_finite() or value < 0:
            raise InputError(_("%(place)s：“%(text)s”不是非负数") % {"place": vplace, "text": text})
        values[indicator.code] = value
    if header_row is None:
        raise InputError(_("%(name)s：没有找到含“指标”和“协议数”两列的表头") % {"name": name})
    return values


def _norm(text: str) -> str:
    return re.sub(r"[\s·:：（）()]|其中", "", text or "")
