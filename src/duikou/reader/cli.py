"""Thin command line over the reader: `duikou extract FILE` and `duikou check FILE`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TextIO

from . import ReaderError, check_plan, extract_document, format_findings
from .loaders import read_file
from .numbers import format_yuan, tidy

_EXTRACT_EPILOG = {
    "zh": "示例：\n  duikou extract examples/plans/000_9dcb29bf5a57c0dc.txt --format table\n  duikou extract 方案.docx > plan.json",
    "en": "examples:\n  duikou extract examples/plans/000_9dcb29bf5a57c0dc.txt --format table\n  duikou extract plan.docx > plan.json",
}
_CHECK_EPILOG = {
    "zh": "示例：\n  duikou check examples/plans/000_9dcb29bf5a57c0dc.txt\n  duikou check 12        （按编号核对已导入的方案）",
    "en": "examples:\n  duikou check examples/plans/000_9dcb29bf5a57c0dc.txt\n  duikou check 12        (check an imported plan by id)",
}


def default_lang(argv: list[str]) -> str:
    """Chinese unless --lang en is given or LANG starts with en."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return "en" if argv[index + 1].lower().startswith("en") else "zh"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1].lower().startswith("en") else "zh"
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "zh"


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors through our exit codes instead of exiting the process."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _parser(command: str, lang: str) -> _Parser:
    zh = lang == "zh"
    if command == "extract":
        parser = _Parser(
            prog="duikou extract",
            description="读取方案文件（.txt/.html/.docx/.pdf），输出 duikou.plan/1 对象。"
            if zh
            else "Read a plan file (.txt/.html/.docx/.pdf) and print the duikou.plan/1 object.",
            epilog=_EXTRACT_EPILOG[lang],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument("file", help="方案文件路径" if zh else "path of the plan file")
        parser.add_argument(
            "--format",
            choices=["json", "table"],
            default="json",
            help="输出格式（默认 json）" if zh else "output format (default json)",
        )
    else:
        parser = _Parser(
            prog="duikou check",
            description="核对方案自身的数字是否对得上（逐年资金与总额、分解与目标、百分比）。"
            if zh
            else "Check whether a plan's own numbers add up (schedules vs totals, allocations vs targets, percentages).",
            epilog=_CHECK_EPILOG[lang],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument("file", help="方案文件路径" if zh else "path of the plan file")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="输出格式（默认 text）" if zh else "output format (default text)",
        )
    parser.add_argument(
        "--lang", choices=["zh", "en"], default=lang, help="提示语言" if zh else "message language"
    )
    return parser


def _run(command: str, argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    lang = default_lang(argv)
    try:
        args = _parser(command, lang).parse_args(argv)
    except _UsageError as error:
        print(("用法错误：" if lang == "zh" else "usage error: ") + str(error), file=stderr)
        return 2
    except SystemExit as done:  # --help
        return int(done.code or 0)
    lang = args.lang

    def progress(done: int, total: int, what: str) -> None:
        if not getattr(stderr, "isatty", lambda: False)():
            return  # progress is for a person watching; a script's stderr keeps the one-line error
        line = f"{what} 第 {done}/{total} 页" if lang == "zh" else f"{what} page {done}/{total}"
        print(line, file=stderr, flush=True)

    try:
        document = read_file(args.file, progress=progress)
        plan = extract_document(document)
        for finding in document.findings:  # what the reading itself is unsure of (a low-confidence OCR page)
            print(("提示：" if lang == "zh" else "note: ") + finding.message(lang), file=stderr)
    except ReaderError as error:
        print(error.message(lang), file=stderr)
        return 1
    except (RecursionError, MemoryError):
        print(
            ReaderError(
                args.file, "文件结构过于复杂，无法读取。", "the file is too complex to read."
            ).message(lang),
            file=stderr,
        )
        return 1
    if command == "extract":
        if args.format == "json":
            print(json.dumps(plan, ensure_ascii=False, indent=2), file=stdout)
        else:
            print_table(plan, lang, stdout)
        return 0
    findings = check_plan(plan, lang=lang)
    if args.format == "json":
        print(json.dumps(findings, ensure_ascii=False, indent=2), file=stdout)
    else:
        print(format_findings(findings, lang), file=stdout)
    return 0


def _run_quietly_on_closed_pipe(command: str, argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run a command; a reader that stops early (`| head`) is not an error worth a traceback."""
    try:
        return _run(command, argv, stdout, stderr)
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # Python flushes stdout again at exit
        except (OSError, ValueError):
            pass
        return 0


def main_extract(argv: list[str], *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """`duikou extract FILE [--format json|table] [--lang zh|en]`; 0 ok, 1 unreadable input, 2 usage error."""
    return _run_quietly_on_closed_pipe("extract", argv, stdout or sys.stdout, stderr or sys.stderr)


def main_check(argv: list[str], *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """`duikou check FILE [--lang zh|en]`; 0 ok, 1 unreadable input, 2 usage error."""
    return _run_quietly_on_closed_pipe("check", argv, stdout or sys.stdout, stderr or sys.stderr)


def print_table(plan: dict, lang: str, stdout: TextIO) -> None:
    """A summary a person can check at a glance: header, pairings, funding, targets, tasks."""
    from rich.console import Console
    from rich.table import Table

    zh = lang == "zh"
    console = Console(file=stdout, width=140, highlight=False)
    header = Table(title="方案" if zh else "Plan", show_header=False)
    period = plan["period"]
    for label_zh, label_en, value in (
        ("标题", "title", plan["title"]),
        ("文号", "doc number", plan["doc_number"]),
        ("发布机构", "issuer", plan["issuer"]),
        ("成文日期", "issued on", plan["issued_on"]),
        ("期限", "period", f"{period['start_year']}—{period['end_year']}" if period else None),
        ("支援方", "donors", "、".join(plan["donors"])),
        ("受援方", "recipients", "、".join(plan["recipients"])),
    ):
        header.add_row(label_zh if zh else label_en, value or "—")
    console.print(header)
    if plan["pairings"]:
        table = Table(
            title=f"结对（{len(plan['pairings'])}）" if zh else f"Pairings ({len(plan['pairings'])})"
        )
        table.add_column("支援方" if zh else "donor")
        table.add_column("受援方" if zh else "recipient")
        for pair in plan["pairings"]:
            table.add_row(pair["donor"], pair["recipient"])
        console.print(table)
    if plan["funding"]:
        table = Table(title="资金安排" if zh else "Funding")
        for name in ("来源", "年度", "金额") if zh else ("source", "year", "amount"):
            table.add_column(name)
        for row in plan["funding"]:
            table.add_row(row.get("source") or "", str(row["year"]), format_yuan(row["amount_yuan"], lang))
        console.print(table)
    if plan["targets"]:
        table = Table(title=f"目标（{len(plan['targets'])}）" if zh else f"Targets ({len(plan['targets'])})")
        for name in (
            ("指标", "比较", "数值", "单位", "年度", "分解")
            if zh
            else ("indicator", "cmp", "value", "unit", "year", "allocations")
        ):
            table.add_column(name, overflow="fold")
        for target in plan["targets"]:
            value = (
                format_yuan(target["value"], lang) if target["unit"] == "yuan" else str(tidy(target["value"]))
            )
            allocations = "、".join(
                f"{a['unit']}{format_yuan(a['value'], lang) if target['unit'] == 'yuan' else tidy(a['value'])}"
                for a in target["allocations"][:6]
            )
            if len(target["allocations"]) > 6:
                allocations += "…"
            table.add_row(
                target["indicator"][:30],
                target["comparator"],
                value,
                target["unit"],
                str(target["year"] or ""),
                allocations,
            )
        console.print(table)
    if plan["tasks"]:
        table = Table(title=f"任务（{len(plan['tasks'])}）" if zh else f"Tasks ({len(plan['tasks'])})")
        for name in (
            ("编号", "标题", "牵头/责任", "配合", "时限", "到期")
            if zh
            else ("number", "title", "lead", "support", "deadline", "due")
        ):
            table.add_column(name, overflow="fold")
        for task in plan["tasks"]:
            table.add_row(
                "/".join(task["path"]),
                task["title"][:28],
                "、".join(task["lead_units"])[:40],
                "、".join(task["support_units"])[:30],
                task["deadline"] or "",
                task["due"] or "",
            )
        console.print(table)


def main(argv: list[str] | None = None) -> int:
    """`python -m duikou.reader extract|check ...` until the project-wide `duikou` command routes here."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = default_lang(argv)
    commands = {"extract": main_extract, "check": main_check}
    if not argv or argv[0] not in commands:
        if argv and argv[0] in ("-h", "--help"):
            print(
                "用法：python -m duikou.reader {extract,check} FILE …"
                if lang == "zh"
                else "usage: python -m duikou.reader {extract,check} FILE …"
            )
            return 0
        print(
            "用法：python -m duikou.reader {extract,check} FILE …"
            if lang == "zh"
            else "usage: python -m duikou.reader {extract,check} FILE …",
            file=sys.stderr,
        )
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
