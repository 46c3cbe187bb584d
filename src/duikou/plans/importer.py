"""Import a plan (all-or-nothing): a duikou.plan/1 document, or any document through the reader, into the plan,
its sections, tasks and units, targets and their shares, funding lines and pairings; names that are no unit
refused; the tallies told by hooks.PLAN_IMPORTED."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError

from duikou.core import hooks
from duikou.core.audit import bulk_create_logged, unsaved
from duikou.core.errors import InputError
from duikou.core.text import normalize_name
from duikou.funds.models import FundingLine
from duikou.organizations.models import Organization
from duikou.organizations.services import (
    Resolution,
    create_from_resolution,
    is_placeholder_name,
    region_in_text,
    resolve_organization,
)
from duikou.programs.models import Pairing, Program
from duikou.targets.models import Allocation, Target
from duikou.targets.units import item_unit

from .models import Plan, Responsibility, Section, Task
from .schema import SCHEMA_ID, PlanDocument, describe_errors, item_place
from .services import publish_plan

SPEC_FIELDS = {
    "schema",
    "title",
    "doc_number",
    "issuer",
    "issued_on",
    "period",
    "donors",
    "recipients",
    "pairings",
    "funding",
    "targets",
    "tasks",
}
MAX_VALUE = Decimal("1e15")


@dataclass
class ImportResult:
    """What an import did: the plan, whether it was created now, counts, and notes for the user."""

    plan: Plan
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.created:
            return f"plan {self.plan.pk} already imported from the same source (not duplicated)"
        c = self.counts
        return (
            f"plan {self.plan.pk} imported: {c.get('tasks', 0)} tasks, {c.get('responsibilities', 0)} unit assignments, "
            f"{c.get('targets', 0)} targets, {c.get('funding', 0)} funding lines, {c.get('pairings', 0)} pairings"
        )

    def as_json(self) -> dict:
        return {"plan": self.plan.pk, "created": self.created, **self.counts, "notes": self.notes}


def read_plan_source(path) -> tuple[dict, bytes]:
    """Read a plan file: duikou.plan/1 JSON as is, any other document through the reader."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputError(_("%(file)s：文件不存在") % {"file": path}) from None
    except OSError as exc:
        raise InputError(
            _("%(file)s：无法读取（%(reason)s）") % {"file": path, "reason": exc.strerror}
        ) from None
    if path.is_dir():
        raise InputError(_("%(file)s：是目录，不是文件") % {"file": path})
    limit = settings.DUIKOU_MAX_UPLOAD_BYTES
    if stat.st_size > limit:
        raise InputError(
            _("%(file)s：文件过大（%(size).0f MB，上限 %(limit).0f MB）")
            % {"file": path, "size": stat.st_size / 2**20, "limit": limit / 2**20}
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            _("%(file)s：无法读取（%(reason)s）") % {"file": path, "reason": exc.strerror}
        ) from None
    if path.suffix.lower() == ".json":
        return parse_plan_json(raw, str(path)), raw
    try:
        from duikou.reader import ReaderError, extract_file
    except ImportError:
        raise InputError(_("%(file)s：不是 JSON 文件，且文档读取器不可用") % {"file": path}) from None
    try:
        return extract_file(path), raw
    except ReaderError as exc:
        raise InputError(str(exc)) from None


def parse_plan_json(raw: bytes, place: str) -> dict:
    """Parse JSON bytes, naming the line and column of a syntax error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            _("%(place)s：不是 UTF-8 编码的 JSON（第 %(byte)s 字节）") % {"place": place, "byte": exc.start}
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            _("%(place)s 第 %(line)s 行第 %(column)s 列：不是有效的 JSON（%(reason)s）")
            % {"place": place, "line": exc.lineno, "column": exc.colno, "reason": exc.msg}
        ) from None
    if not isinstance(data, dict):
        raise InputError(_("%(place)s：顶层应为 %(schema)s 对象") % {"place": place, "schema": SCHEMA_ID})
    return data


def import_plan_file(
    path,
    *,
    user=None,
    program: Program | None = None,
    publish: bool = True,
    progress: Callable[[int, int], None] | None = None,
    resolutions: dict[str, Organization] | None = None,
    drop: tuple[str, ...] = (),
    refuse_placeholder_units: bool = False,
    drop_placeholder_units: bool = False,
) -> ImportResult:
    """Import a plan file (JSON or document); the same source twice is recognised, not duplicated.

    `resolutions` maps printed names to organizations and `drop` removes printed names, as the import review
    does; with `refuse_placeholder_units` a name that stands for no organization (各预算主管部门) left neither
    mapped nor dropped refuses the import, as the review's 确认并发布 does (`duikou import`); with
    `drop_placeholder_units` such names are removed instead, as the demo's office would (one reading of the file)."""
    data, raw = read_plan_source(path)
    printed = printed_units(data)
    unknown = [name for name in (*drop, *(resolutions or {})) if name not in printed]
    if unknown:
        raise InputError(_("方案中没有这些单位名称：%(names)s") % {"names": "、".join(unknown)})
    if drop_placeholder_units:
        drop = (
            *drop,
            *(n for n in placeholder_units(data) if n not in drop and n not in (resolutions or {})),
        )
    for name in drop:
        data = drop_unit_name(data, name)
    if refuse_placeholder_units:
        refuse_placeholders_unless_imported(data, raw, resolutions=resolutions)
    return import_plan_data(
        data,
        source_bytes=raw,
        source_name=Path(path).name,
        user=user,
        program=program,
        publish=publish,
        progress=progress,
        resolutions=resolutions,
    )


# -- the units a plan prints ------------------------------------------------------------------------------------
def printed_units(data: dict) -> dict[str, list[str]]:
    """Every unit name the plan prints, with where it appears (in order of first appearance)."""
    names: dict[str, list[str]] = {}

    def add(name, place):
        if name:
            names.setdefault(name, []).append(place)

    for name in data.get("donors") or []:
        add(name, _("支援方"))
    for name in data.get("recipients") or []:
        add(name, _("受援方"))
    for i, p in enumerate(data.get("pairings") or []):
        add(p.get("donor"), item_place("pairings", i))
        add(p.get("recipient"), item_place("pairings", i))
    for i, line in enumerate(data.get("funding") or []):
        add(line.get("source"), item_place("funding", i))
    for i, task in enumerate(data.get("tasks") or []):
        for name in (task.get("lead_units") or []) + (task.get("support_units") or []):
            add(
                name, _("任务%(n)s") % {"n": task["number"]} if task.get("number") else item_place("tasks", i)
            )
    for i, target in enumerate(data.get("targets") or []):
        for share in target.get("allocations") or []:
            add(share.get("unit"), item_place("targets", i, target))
    return names


def drop_unit_name(data: dict, printed: str) -> dict:
    """The plan without one printed name: out of every task's units, every target's allocations and pairings."""
    data = copy.deepcopy(data)
    for task in data.get("tasks") or []:
        for role in ("lead_units", "support_units"):
            if task.get(role):
                task[role] = [u for u in task[role] if u != printed]
    for target in data.get("targets") or []:
        if target.get("allocations"):
            target["allocations"] = [a for a in target["allocations"] if a.get("unit") != printed]
    if data.get("pairings"):
        data["pairings"] = [
            p for p in data["pairings"] if printed not in (p.get("donor"), p.get("recipient"))
        ]
    for key in ("donors", "recipients"):
        if data.get(key):
            data[key] = [u for u in data[key] if u != printed]
    return data


def placeholder_units(data: dict) -> list[str]:
    """The printed unit names that stand for no one organization (organizations.services.is_placeholder_name)."""
    return [name for name in printed_units(data) if is_placeholder_name(name)]


class PlaceholderUnitsError(InputError):
    """Names that stand for no organization are left in a plan being imported."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            _("以下名称不是具体单位，请对应到单位或删除：%(names)s") % {"names": "、".join(names[:10])}
        )


def refuse_placeholders(names: list[str]) -> None:
    """Refuse an import that would make accountable units of names like 各预算主管部门 (review page and CLI alike)."""
    if names:
        raise PlaceholderUnitsError(names)


def refuse_placeholders_unless_imported(data: dict, raw: bytes, *, resolutions=None) -> None:
    """Refuse placeholder names left neither mapped nor dropped, unless this very source is already imported: then
    the import says so and creates nothing, so there is nothing to refuse (CLI and API alike)."""
    if Plan.objects.filter(source_sha256=hashlib.sha256(raw).hexdigest()).exists():
        return
    refuse_placeholders([n for n in placeholder_units(data) if n not in (resolutions or {})])


def import_plan_data(
    data: dict,
    *,
    source_bytes: bytes,
    source_name: str,
    user=None,
    program: Program | None = None,
    publish: bool = True,
    resolutions: dict[str, Organization] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Turn a duikou.plan/1 object into records in one transaction; a failure stores nothing."""
    sha = hashlib.sha256(source_bytes).hexdigest()
    existing = Plan.objects.filter(source_sha256=sha).first()
    if existing is not None:
        return ImportResult(plan=existing, created=False)
    try:
        doc = PlanDocument.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{source_name} {describe_errors(exc, data)}") from None
    with transaction.atomic():
        return _PlanBuilder(
            doc, data, source_bytes, source_name, sha, user, program, resolutions or {}, progress
        ).build(publish=publish)


class _PlanBuilder:
    """Creates one plan's records; organizations are resolved once per printed name and context."""

    def __init__(self, doc, data, source_bytes, source_name, sha, user, program, resolutions, progress):
        self.doc, self.data, self.source_bytes, self.source_name, self.sha = (
            doc,
            data,
            source_bytes,
            source_name,
            sha,
        )
        self.user, self.program, self.resolutions, self.progress = user, program, resolutions, progress
        self.cache: dict[tuple[str, int | None], Organization] = {}
        self.notes: list[str] = []

    def organization(self, printed: str, context: Organization | None) -> Organization:
        if printed in self.resolutions:
            return self.resolutions[printed]
        key = (printed, context.pk if context else None)
        if key in self.cache:  # before normalising: a 10,000-task plan names its few units 20,000 times
            return self.cache[key]
        if not normalize_name(printed):
            # Only blanks (a full-width space, a line break): no name to find or create a unit by.
            raise InputError(
                _("%(file)s：单位名称“%(name)s”为空白，请填写单位名称")
                % {"file": self.source_name, "name": printed}
            )
        resolution = resolve_organization(printed, context=context)
        if resolution.status == Resolution.FOUND:
            org = resolution.organization
        else:
            if resolution.status == Resolution.AMBIGUOUS:
                names = "、".join(str(c) for c in resolution.candidates[:5])
                self.notes.append(
                    _("“%(name)s”有多个候选（%(names)s），已作为新单位登记，请在单位管理中核对合并")
                    % {"name": printed, "names": names}
                )
                resolution.suggested_name = printed
            org = create_from_resolution(resolution, parent=context)
        self.cache[key] = org
        return org

    def build(self, *, publish: bool) -> ImportResult:
        doc = self.doc
        issuer_region = region_in_text(doc.issuer or "") or region_in_text(doc.title)
        donor_orgs = [self.organization(n, issuer_region) for n in doc.donors]
        recipient_orgs = [self.organization(n, None) for n in doc.recipients]
        program = self.program or self._program(donor_orgs, recipient_orgs)
        plan = Plan.objects.create(
            program=program,
            title=doc.title,
            doc_number=doc.doc_number or "",
            issuer=doc.issuer or "",
            issuer_organization=self.organization(doc.issuer, issuer_region) if doc.issuer else None,
            issued_on=doc.issued_on,
            start_year=doc.period.start_year if doc.period else None,
            end_year=doc.period.end_year if doc.period else None,
            source_name=self.source_name[:255],
            source_sha256=self.sha,
            source_content=self.source_bytes,
            source_text=_source_text(self.source_bytes),
            donors_printed=list(doc.donors),
            recipients_printed=list(doc.recipients),
            extra={k: v for k, v in self.data.items() if k not in SPEC_FIELDS},
            created_by=self.user,
        )
        counts = {
            "pairings": self._pairings(plan, program, donor_orgs, recipient_orgs, issuer_region),
            "funding": self._funding(plan, issuer_region),
            "targets": 0,
            "allocations": 0,
        }
        counts["tasks"], counts["responsibilities"] = self._tasks(plan, issuer_region)
        counts["targets"], counts["allocations"] = self._targets(plan, issuer_region)
        # The rows went in bulk, without per-row signals: the summaries count them now (analytics registers it).
        hooks.fire(hooks.PLAN_IMPORTED, plan_id=plan.pk)
        if publish:
            publish_plan(plan=plan, user=self.user)
        return ImportResult(plan=plan, created=True, counts=counts, notes=self.notes)

    def _program(self, donors, recipients) -> Program:
        kind = _program_kind(self.doc.title)
        if donors or recipients:
            sides = "、".join(self.doc.donors) + "—" + "、".join(self.doc.recipients)
            name = f"{sides} {dict(Program.KINDS)[kind]}"[:300]
        else:
            name = self.doc.title[:300]
        program, created = Program.objects.get_or_create(name=name, defaults={"kind": kind})
        period = self.doc.period
        if (
            period
            and period.start_year
            and (program.start_year is None or period.start_year < program.start_year)
        ):
            program.start_year = period.start_year
        if period and period.end_year and (program.end_year is None or period.end_year > program.end_year):
            program.end_year = period.end_year
        if created or period:
            program.save()
        program.donors.add(*donors)
        program.recipients.add(*recipients)
        return program

    def _pairings(self, plan, program, donor_orgs, recipient_orgs, issuer_region) -> int:
        donor_context = next((o for o in donor_orgs if o.kind == Organization.REGION), issuer_region)
        recipient_context = next((o for o in recipient_orgs if o.kind == Organization.REGION), None)
        rows, seen = [], set()
        for i, pairing in enumerate(self.doc.pairings):
            donor = self.organization(pairing.donor, donor_context)
            recipient = self.organization(pairing.recipient, recipient_context)
            if donor.pk == recipient.pk:
                raise InputError(
                    _("%(source)s pairings[%(n)s]：支援方与受援方是同一单位（%(name)s）")
                    % {"source": self.source_name, "n": i + 1, "name": pairing.donor}
                )
            if (donor.pk, recipient.pk) in seen:
                self.notes.append(
                    _("pairings[%(n)s]：%(donor)s → %(recipient)s 与前面的结对重复，已合并")
                    % {"n": i + 1, "donor": pairing.donor, "recipient": pairing.recipient}
                )
                continue
            seen.add((donor.pk, recipient.pk))
            rows.append(
                Pairing(
                    program=program,
                    plan=plan,
                    donor=donor,
                    recipient=recipient,
                    donor_printed=pairing.donor,
                    recipient_printed=pairing.recipient,
                    level=_pairing_level(donor, recipient),
                    order=i,
                    extra=_extra(pairing),
                )
            )
        bulk_create_logged(Pairing, rows)
        return len(rows)

    def _funding(self, plan, issuer_region) -> int:
        rows, seen = [], {}
        for i, line in enumerate(self.doc.funding):
            key = (line.source, line.year)
            if key in seen:
                raise InputError(
                    _("%(source)s funding[%(n)s]：资金来源“%(name)s” %(year)s 年与 funding[%(first)s] 重复")
                    % {
                        "source": self.source_name,
                        "n": i + 1,
                        "name": line.source,
                        "year": line.year,
                        "first": seen[key] + 1,
                    }
                )
            seen[key] = i
            rows.append(
                FundingLine(
                    plan=plan,
                    source=line.source,
                    source_organization=self.organization(line.source, issuer_region),
                    year=line.year,
                    amount=_decimal(
                        line.amount_yuan, item_place("funding", i, line) + "的金额", self.source_name, 2
                    ),
                    text=line.text or "",
                    order=i,
                    extra=_extra(line),
                )
            )
        bulk_create_logged(FundingLine, rows)
        return len(rows)

    def _tasks(self, plan, issuer_region) -> tuple[int, int]:
        sections: dict[tuple[str, ...], Section] = {}
        titles = {
            tuple(s.get("path") or []): s.get("title", "")
            for s in self.data.get("sections") or []
            if isinstance(s, dict)
        }
        for task in self.doc.tasks:
            for depth in range(1, len(task.path)):
                key = tuple(task.path[:depth])
                if key not in sections:
                    sections[key] = Section.objects.create(
                        plan=plan,
                        parent=sections.get(key[:-1]),
                        number=key[-1],
                        path=list(key),
                        title=str(titles.get(key, ""))[:500],
                        order=len(sections),
                    )
        # Ids rather than objects: a row that holds no related object goes to the database as it is.
        section_ids = {key: section.pk for key, section in sections.items()}
        tasks = [
            unsaved(
                Task,
                plan_id=plan.pk,
                section_id=section_ids.get(tuple(t.path[:-1])),
                number=t.number or "",
                path=list(t.path),
                title=(t.title or t.text or t.number or "（无标题）")[:1000],
                text=t.text or "",
                deadline=t.deadline or "",
                due_date=t.due,
                order=i,
                extra=_extra(t),
            )
            for i, t in enumerate(self.doc.tasks)
        ]
        tasks = bulk_create_logged(Task, tasks)
        responsibilities = []
        total = len(tasks)
        for i, (task, item) in enumerate(zip(tasks, self.doc.tasks, strict=True)):
            for role, names in (
                (Responsibility.LEAD, item.lead_units),
                (Responsibility.SUPPORT, item.support_units),
            ):
                seen = set()
                for order, printed in enumerate(names):
                    if printed in seen:
                        continue
                    seen.add(printed)
                    responsibilities.append(
                        unsaved(
                            Responsibility,
                            task_id=task.pk,
                            organization_id=self.organization(printed, issuer_region).pk,
                            role=role,
                            printed_name=printed,
                            order=order,
                        )
                    )
            if self.progress:
                self.progress(i + 1, total)
        bulk_create_logged(Responsibility, responsibilities)
        return len(tasks), len(responsibilities)

    def _targets(self, plan, issuer_region) -> tuple[int, int]:
        allocations = []
        count = 0
        for i, item in enumerate(self.doc.targets):
            unit, unit_text = item_unit(item)
            target = Target.objects.create(
                plan=plan,
                text=item.text or "",
                indicator=(item.indicator or item.text or "")[:500] or "（未命名指标）",
                value=_decimal(item.value, item_place("targets", i, item) + "的目标值", self.source_name, 4),
                unit=unit,
                unit_text=unit_text,
                comparator=item.comparator,
                year=item.year,
                order=i,
                extra=_extra(item, allocations=[a.model_extra or {} for a in item.allocations]),
            )
            count += 1
            seen = set()
            for j, share in enumerate(item.allocations):
                if share.unit in seen:
                    raise InputError(
                        _("%(source)s %(place)s：单位“%(name)s”重复")
                        % {
                            "source": self.source_name,
                            "place": item_place("targets", i, item) + item_place("allocations", j),
                            "name": share.unit,
                        }
                    )
                seen.add(share.unit)
                allocations.append(
                    Allocation(
                        target=target,
                        organization=self.organization(share.unit, issuer_region),
                        printed_name=share.unit,
                        value=_decimal(
                            share.value,
                            item_place("targets", i, item) + item_place("allocations", j, share) + "的分解值",
                            self.source_name,
                            4,
                        ),
                        order=j,
                    )
                )
        bulk_create_logged(Allocation, allocations)
        return count, len(allocations)


def _extra(item, **nested) -> dict:
    """Fields of an item beyond the format's own, kept so that export gives them back."""
    extra = dict(item.model_extra or {})
    if any(any(v) for v in nested.values()):
        extra["_nested"] = nested
    return extra


def _decimal(value, place: str, source_name: str, places: int) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        raise InputError(
            _("%(source)s %(place)s：不是有效数字（%(value)r）")
            % {"source": source_name, "place": place, "value": value}
        ) from None
    if amount < 0:
        raise InputError(
            _("%(source)s %(place)s：不能为负数（%(value)s）")
            % {"source": source_name, "place": place, "value": value}
        )
    if amount >= MAX_VALUE:
        raise InputError(
            _("%(source)s %(place)s：数值过大（%(value)s）")
            % {"source": source_name, "place": place, "value": value}
        )
    return amount


def _source_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def _program_kind(title: str) -> str:
    if "东西部" in title:
        return Program.EAST_WEST
    if "对口合作" in title:
        return Program.COOPERATION
    if "协作" in title:
        return Program.COLLABORATION
    return Program.SUPPORT


def _pairing_level(donor: Organization, recipient: Organization) -> str:
    for kind, level in (
        (Organization.SCHOOL, Pairing.SCHOOL),
        (Organization.HOSPITAL, Pairing.HOSPITAL),
        (Organization.TOWN, Pairing.TOWN),
        (Organization.ENTERPRISE, Pairing.ENTERPRISE),
    ):
        if recipient.kind == kind or donor.kind == kind:
            return level
    if recipient.kind == Organization.REGION and recipient.level in {
        Pairing.PROVINCE,
        Pairing.CITY,
        Pairing.COUNTY,
    }:
        return recipient.level
    if recipient.kind == Organization.DEPARTMENT:
        return Pairing.DEPARTMENT
    return Pairing.OTHER
