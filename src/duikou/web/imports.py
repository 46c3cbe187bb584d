"""The browser import: upload → a staging draft → corrections and unit choices → publish in one transaction."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pydantic import ValidationError

from duikou.core import money
from duikou.core.errors import InputError
from duikou.core.text import to_simplified
from duikou.indicators.models import Indicator
from duikou.organizations.models import Organization
from duikou.organizations.services import (
    Resolution,
    create_from_resolution,
    is_placeholder_name,
    nearest_organizations,
    region_in_text,
    resolve_organization,
)
from duikou.plans.importer import (
    ImportResult,
    drop_unit_name,
    import_plan_data,
    parse_plan_json,
    placeholder_units,
    printed_units,
    refuse_placeholders,
)
from duikou.plans.models import Plan
from duikou.plans.schema import PlanDocument, describe_errors, item_place
from duikou.plans.services import publish_plan
from duikou.reader import ReaderError
from duikou.reader.extract import extract_lines
from duikou.reader.limits import PARSE_MEMORY_BYTES, LimitExceeded, check_file, run_limited
from duikou.reader.loaders import read_file
from duikou.targets.units import CODES as UNIT_CODES
from duikou.targets.units import OTHER, YUAN, unit_code

from .models import ImportDraft

DOCUMENT_SUFFIXES = {".txt", ".text", ".md", ".csv", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf"}


def read_upload(
    name: str, raw: bytes, *, progress=None, seconds: float | None = None, memory_bytes: int | None = None
) -> tuple[dict, str]:
    """The plan in an uploaded file and the text it was read from; InputError names the file and the problem.
    `progress(done, total, what)` hears of the reader's long steps (OCR page by page); `seconds` and
    `memory_bytes` are the parse's budget (DUIKOU_PARSE_SECONDS and the reader's 1 GB by default)."""
    limit = settings.DUIKOU_MAX_UPLOAD_BYTES
    if len(raw) > limit:
        raise InputError(
            _("%(name)s：文件过大（%(size).1f MB，上限 %(limit).0f MB）")
            % {"name": name, "size": len(raw) / 2**20, "limit": limit / 2**20}
        )
    if not raw:
        raise InputError(_("%(name)s：是空文件") % {"name": name})
    suffix = os.path.splitext(name)[1].lower()
    if suffix == ".json":
        return parse_plan_json(raw, name), ""
    if suffix not in DOCUMENT_SUFFIXES:
        raise InputError(
            _("%(name)s：不支持的文件类型（可上传 JSON、TXT、HTML、DOCX、PDF）") % {"name": name}
        )
    # The reader reads paths; the upload goes to a private temporary file that is removed at once.
    with tempfile.TemporaryDirectory(prefix="duikou-upload-") as folder:
        path = os.path.join(folder, "upload" + suffix)
        with open(path, "wb") as handle:
            handle.write(raw)
        try:
            # Declared sizes first (a zip or PDF bomb is refused in milliseconds), then the parse itself in a
            # child with a time and memory budget, so no document can hold or grow the web worker.
            check_file(raw, name)
            outcome = run_limited(
                _read_document,
                path,
                name,
                name=name,
                seconds=seconds or settings.DUIKOU_PARSE_SECONDS,
                memory_bytes=memory_bytes or PARSE_MEMORY_BYTES,
                progress=progress,
            )
        except LimitExceeded as exc:
            raise InputError(exc.message("en" if get_language() == "en" else "zh")) from None
    if outcome[0] == "error":
        raise InputError(f"{name}：{outcome[1]}")
    _status, data, lines = outcome
    return data, "\n".join(lines)


def _read_document(path: str, name: str, progress=None) -> tuple:
    """Lines and plan of one document (run in the parse child): ("ok", plan, lines) or ("error", message)."""
    try:
        lines = read_file(path, progress=progress).lines()
        return "ok", extract_lines(lines, name), lines
    except ReaderError as exc:
        return "error", exc.zh


def validate_plan_data(data: dict, name: str) -> None:
    try:
        PlanDocument.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{name} {describe_errors(exc, data)}") from None


class DuplicatePlan(InputError):
    """The upload is a plan already imported: the same file, or the same 文号 and title."""

    def __init__(self, message: str, plan: Plan):
        super().__init__(message)
        self.plan = plan


def existing_plan(raw: bytes, data: dict) -> Plan | None:
    """A plan already imported from these bytes, or with the same 文号 and title (a re-saved copy of the file)."""
    found = Plan.objects.filter(source_sha256=hashlib.sha256(raw).hexdigest()).first()
    if found is None and data.get("doc_number") and data.get("title"):
        found = Plan.objects.filter(
            doc_number=data["doc_number"].strip(), title=data["title"].strip()
        ).first()
    return found


def create_draft(
    *,
    name: str,
    raw: bytes,
    user,
    program=None,
    progress=None,
    seconds: float | None = None,
    memory_bytes: int | None = None,
) -> ImportDraft:
    """Read an upload into a new draft; a file that cannot be read, or a plan imported already, raises InputError
    (DuplicatePlan names the plan) and stores nothing. The parse runs outside any transaction (on the queue it
    takes minutes for a scan); the draft is written in one."""
    data, text = read_upload(name, raw, progress=progress, seconds=seconds, memory_bytes=memory_bytes)
    with transaction.atomic():
        return _store_draft(name=name, raw=raw, user=user, program=program, data=data, text=text)


def _store_draft(*, name: str, raw: bytes, user, program, data: dict, text: str) -> ImportDraft:
    validate_plan_data(data, name)
    plan = existing_plan(raw, data)
    if plan is not None:
        raise DuplicatePlan(
            _("%(name)s：该方案已导入（方案 %(id)s《%(title)s》），未重复导入")
            % {"name": name, "id": plan.pk, "title": plan.title},
            plan,
        )
    data = with_section_titles(simplified_names(data), text)
    return ImportDraft.objects.create(
        created_by=user,
        program=program,
        source_name=name[:255],
        source_bytes=raw,
        source_text=text,
        plan_data=data,
    )


# What each kind of item lets the office correct in place, and how the form's text becomes the value.
EDITABLE = {
    "header": ("title", "doc_number", "issuer", "issued_on", "start_year", "end_year"),
    "tasks": ("number", "title", "text", "lead_units", "support_units", "deadline", "due"),
    "targets": ("indicator", "value", "unit", "comparator", "year", "allocations", "national_indicator"),
    "funding": ("source", "year", "amount_yuan"),
    "pairings": ("donor", "recipient"),
}
# The words a message uses for each field of the review forms.
FIELD_NAMES = {
    "title": _lazy("标题"), "doc_number": _lazy("文号"), "issuer": _lazy("发布机构"), "issued_on": _lazy("成文日期"),
    "start_year": _lazy("起始年份"), "end_year": _lazy("结束年份"), "number": _lazy("编号"), "text": _lazy("原文"),
    "lead_units": _lazy("牵头单位"), "support_units": _lazy("配合单位"), "deadline": _lazy("完成时限"),
    "due": _lazy("截止日期"), "indicator": _lazy("指标"), "value": _lazy("目标值"), "unit": _lazy("计量单位"),
    "comparator": _lazy("比较"), "year": _lazy("年份"), "allocations": _lazy("分解"), "source": _lazy("资金来源"),
    "amount_yuan": _lazy("金额"), "donor": _lazy("支援方"), "recipient": _lazy("受援方"),
}  # fmt: skip
_UNIT_SPLIT = re.compile(r"[、;；\n]+")


def editable_number(value, is_money: bool) -> str:
    """A number as the review form shows it for correcting: money in 万元 (1305.00), the rest as it is."""
    if value is None or value == "":
        return ""
    if is_money:
        return f"{money.in_unit(value)}"
    value = Decimal(str(value))
    return f"{int(value)}" if value == value.to_integral_value() else f"{value.normalize():f}"


def _money(text: str, place: str):
    """An amount typed in 万元, as the yuan the plan file keeps."""
    try:
        value = money.parse_wan(text)
    except ValueError as exc:
        raise InputError(f"{place}：{exc}") from None
    return int(value) if value == value.to_integral_value() else float(value)


def _number(text: str, place: str):
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise InputError(_("%(place)s：“%(text)s”不是数字") % {"place": place, "text": text}) from None
    return int(value) if value == value.to_integral_value() else float(value)


def _convert(kind: str, field: str, text: str, place: str, is_money: bool = False):
    text = (text or "").strip()
    if field in ("lead_units", "support_units"):
        return [u.strip() for u in _UNIT_SPLIT.split(text) if u.strip()]
    if field == "allocations":
        shares = []
        for n, line in enumerate(row for row in text.splitlines() if row.strip()):
            parts = line.rsplit(None, 1)
            if len(parts) != 2:
                raise InputError(_("%(place)s 第 %(n)d 行：应为“单位 数值”") % {"place": place, "n": n + 1})
            line_place = _("%(place)s 第 %(n)d 行") % {"place": place, "n": n + 1}
            convert = _money if is_money else _number
            shares.append({"unit": parts[0].strip(), "value": convert(parts[1], line_place)})
        return shares
    if not text:
        return None
    if (
        field == "national_indicator"
    ):  # the office's choice of the catalogue indicator ("none": counts toward none)
        if text != "none" and not Indicator.objects.filter(code=text).exists():
            raise InputError(_("%(place)s：未知指标“%(text)s”") % {"place": place, "text": text})
        return text
    if field == "amount_yuan" or (field == "value" and is_money):
        return _money(text, place)
    if field == "value":
        return _number(text, place)
    if field in ("year", "start_year", "end_year"):
        if not text.isdigit():
            raise InputError(_("%(place)s：“%(text)s”不是年份") % {"place": place, "text": text})
        return int(text)
    if field in ("issued_on", "due"):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise InputError(
                _("%(place)s：“%(text)s”不是日期（应为 2023-07-24）") % {"place": place, "text": text}
            ) from None
    return text


@transaction.atomic
def edit_item(
    *, draft: ImportDraft, kind: str, index: int | None, values: dict, delete: bool = False
) -> ImportDraft:
    """Correct one item of the draft (or remove it); the whole plan must still be valid, else nothing changes."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk, status=ImportDraft.OPEN)
    if kind not in EDITABLE:
        raise InputError(_("未知的条目类型：%(kind)s") % {"kind": kind})
    data = copy.deepcopy(draft.plan_data)
    if kind == "header":
        item = data
    else:
        items = data.setdefault(kind, [])
        if index is None or not 0 <= index < len(items):
            raise InputError(_("%(place)s：条目不存在") % {"place": item_place(kind, index or 0)})
        if delete:
            items.pop(index)
            item = None
        else:
            item = items[index]
    if item is not None:
        place_base = _("方案信息") if kind == "header" else item_place(kind, index, item)
        if kind == "targets" and "unit" in values:
            # A unit picked from the list is a code (person); 其他 takes the unit typed beside it (千瓦).
            code = values["unit"] if values["unit"] in UNIT_CODES else unit_code(values["unit"])[0]
            other = (values.get("unit_other") or "").strip()
            values = {**values, "unit": other if code == OTHER and other else code}
            item.pop("unit_as_printed", None)  # the office's unit replaces the printed 人次
            if code == OTHER and not other:
                raise InputError(_("%(place)s：选择“其他”时请填写计量单位") % {"place": place_base})
        is_money = kind == "targets" and unit_code(values.get("unit", item.get("unit")))[0] == YUAN
        for field in EDITABLE[kind]:
            if field not in values:
                continue
            value = _convert(
                kind, field, values[field], f"{place_base}的{FIELD_NAMES.get(field, field)}", is_money
            )
            if field in ("start_year", "end_year"):
                period = dict(data.get("period") or {})
                period[field] = value
                data["period"] = period if any(period.values()) else None
            else:
                item[field] = value
    validate_plan_data(data, draft.source_name)
    draft.plan_data = data
    draft.save(update_fields=["plan_data", "updated_at"])
    return draft


@dataclass
class UnitChoice:
    """One printed unit name of a draft: how the resolver reads it and what the office chose."""

    printed: str
    resolution: Resolution
    chosen: Organization | None
    create: bool
    places: list[str]
    placeholder: bool = False  # 各有关单位, 前方工作组: not an organization until the office maps it

    PLACEHOLDER = "placeholder"

    @property
    def status(self) -> str:
        if self.chosen is not None:
            return "chosen"
        if self.create:  # the office decided it is a unit of its own (a team it keeps as one)
            return "create"
        if self.placeholder:
            return self.PLACEHOLDER
        return self.resolution.status

    @property
    def needs_choice(self) -> bool:
        return self.status in (Resolution.AMBIGUOUS, self.PLACEHOLDER)


def unit_choices(draft: ImportDraft) -> list[UnitChoice]:
    """The resolver's reading of every printed name, in the issuer's context, with the office's choices."""
    data = draft.plan_data
    context = region_in_text(data.get("issuer") or "") or region_in_text(data.get("title") or "")
    chosen_ids = {v.get("organization") for v in draft.resolutions.values() if v.get("organization")}
    chosen = Organization.objects.in_bulk([i for i in chosen_ids if i])
    recipients = set(data.get("recipients") or [])
    out = []
    for printed, places in printed_units(data).items():
        choice = draft.resolutions.get(printed) or {}
        where = None if printed in recipients else context
        resolution = resolve_organization(printed, context=where)
        if resolution.status == Resolution.NEW:
            # Unlike any known organization (a typo, a wrong level): offer the nearest names, never mark it found.
            resolution.candidates = nearest_organizations(printed, context=where)
        out.append(
            UnitChoice(
                printed=printed,
                resolution=resolution,
                chosen=chosen.get(choice.get("organization")),
                create=bool(choice.get("create")),
                places=places,
                placeholder=is_placeholder_name(printed),
            )
        )
    return out


_HEADING_END = re.compile(r"[。；;：:]")


def with_section_titles(data: dict, text: str) -> dict:
    """The plan with the titles of the sections its tasks sit under (一、加强组织领导 …), read from the source
    text where the section's printed number starts a line, in order; sections already titled are kept."""
    if not text or data.get("sections"):
        return data
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    wanted: list[tuple[str, ...]] = []
    for task in data.get("tasks") or []:
        path = tuple(task.get("path") or [])
        for depth in range(1, len(path)):
            if path[:depth] not in wanted:
                wanted.append(path[:depth])
    sections = []
    start = 0
    for key in wanted:
        number = re.escape(str(key[-1]))
        pattern = re.compile(
            rf"^{number}(?:[、.．，,]|\s)\s*(\S.*)$"
            if not number.startswith("（")
            else rf"^{number}\s*(\S.*)$"
        )
        for i in range(start, len(lines)):
            m = pattern.match(lines[i])
            if m:
                title = _HEADING_END.split(m.group(1), 1)[0].strip()[:200]
                sections.append({"path": list(key), "title": title})
                start = i + 1
                break
    if not sections:
        return data
    return {**data, "sections": sections}


def simplified_names(data: dict) -> dict:
    """Every unit name of a plan in simplified characters (廣東省 → 广东省), so one unit is written one way."""
    data = copy.deepcopy(data)
    for task in data.get("tasks") or []:
        for role in ("lead_units", "support_units"):
            if task.get(role):
                task[role] = [to_simplified(u) for u in task[role]]
    for target in data.get("targets") or []:
        for share in target.get("allocations") or []:
            if share.get("unit"):
                share["unit"] = to_simplified(share["unit"])
    for pairing in data.get("pairings") or []:
        for key in ("donor", "recipient"):
            if pairing.get(key):
                pairing[key] = to_simplified(pairing[key])
    for line in data.get("funding") or []:
        if line.get("source"):
            line["source"] = to_simplified(line["source"])
    for key in ("donors", "recipients"):
        if data.get(key):
            data[key] = [to_simplified(u) for u in data[key]]
    if data.get("issuer"):
        data["issuer"] = to_simplified(data["issuer"])
    return data


@transaction.atomic
def choose_unit(
    *,
    draft: ImportDraft,
    printed: str,
    organization: Organization | None = None,
    create: bool = False,
    clear: bool = False,
    drop: bool = False,
) -> ImportDraft:
    """Record which organization a printed name means (or that a new one is to be created, or that the name is to
    be dropped from the plan: a collective such as 各有关单位 that no one organization answers for)."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk, status=ImportDraft.OPEN)
    if printed not in printed_units(draft.plan_data):
        raise InputError(_("“%(name)s”不是本方案中出现的单位名称") % {"name": printed})
    resolutions = dict(draft.resolutions)
    if drop:
        data = drop_unit_name(draft.plan_data, printed)
        validate_plan_data(data, draft.source_name)
        draft.plan_data = data
        resolutions.pop(printed, None)
    elif clear:
        resolutions.pop(printed, None)
    elif organization is not None:
        resolutions[printed] = {"organization": organization.pk}
    elif create:
        resolutions[printed] = {"create": True}
    draft.resolutions = resolutions
    draft.save(update_fields=["resolutions", "plan_data", "updated_at"])
    return draft


@transaction.atomic
def publish_draft(*, draft: ImportDraft, user) -> ImportResult:
    """Create the plan from the corrected draft and publish it, all in one transaction, or nothing at all."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != ImportDraft.OPEN:
        raise InputError(_("该导入草稿已处理，不能再次发布"))
    # Imported meanwhile (from the command line, another draft): say so before asking about its units.
    already = existing_plan(bytes(draft.source_bytes), draft.plan_data)
    if already is not None:
        raise InputError(_("同一来源文件已导入为方案 %(id)s，未重复导入") % {"id": already.pk})
    choices = unit_choices(draft)
    # The same rule and refusal as `duikou import` (plans.importer): only names the office left undecided.
    decided = {c.printed for c in choices if c.status in ("chosen", "create")}
    refuse_placeholders([n for n in placeholder_units(draft.plan_data) if n not in decided])
    undecided = [c.printed for c in choices if c.needs_choice]
    if undecided:
        raise InputError(
            _("以下单位名称有多个候选，请先选择：%(names)s") % {"names": "、".join(undecided[:10])}
        )
    data = draft.plan_data
    context = region_in_text(data.get("issuer") or "") or region_in_text(data.get("title") or "")
    resolutions: dict[str, Organization] = {}
    for choice in choices:
        if choice.chosen is not None:
            resolutions[choice.printed] = choice.chosen
        elif choice.create:
            resolution = choice.resolution
            if resolution.status != Resolution.NEW:
                resolution = Resolution(choice.printed, Resolution.NEW, suggested_name=choice.printed)
            parent = None if choice.printed in set(data.get("recipients") or []) else context
            resolutions[choice.printed] = create_from_resolution(resolution, parent=parent)
    result = import_plan_data(
        data,
        source_bytes=bytes(draft.source_bytes),
        source_name=draft.source_name,
        user=user,
        program=draft.program,
        publish=False,
        resolutions=resolutions,
    )
    if not result.created:
        raise InputError(_("同一来源文件已导入为方案 %(id)s，未重复导入") % {"id": result.plan.pk})
    publish_plan(plan=result.plan, user=user)
    draft.status = ImportDraft.PUBLISHED
    draft.plan = result.plan
    draft.save(update_fields=["status", "plan", "updated_at"])
    return result
