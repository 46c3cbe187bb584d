"""The `duikou` command line: every management command of a duikou app, plus the document reader.

`extract` and `check FILE` run the reader without Django; everything else goes through Django's
management machinery so that pages, API and CLI share one set of service functions.
"""

from __future__ import annotations

import os
import sys

READER_COMMANDS = {"extract"}
# Django's own commands that users need under the duikou name.
DJANGO_COMMANDS = {
    "migrate": "建立或升级数据库 / create or upgrade the database",
    "createsuperuser": "创建管理员 / create an administrator",
    "shell": "交互式控制台 / interactive shell",
}


def _usage(commands: dict[str, str]) -> str:
    width = max(len(n) for n in commands)
    lines = [
        "用法 / usage: duikou COMMAND [options]   (duikou COMMAND --help 查看示例 / for an example)",
        "",
        "命令 / commands:",
    ]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in sorted(commands.items())]
    return "\n".join(lines)


def duikou_commands() -> dict[str, str]:
    """Every command a duikou app defines, with its one-line help."""
    from django.core.management import get_commands, load_command_class

    commands = {
        "extract": "读取方案文件，输出 duikou.plan/1 JSON / read a plan document, print duikou.plan/1 JSON"
    }
    commands.update(DJANGO_COMMANDS)
    for name, app in get_commands().items():
        if app.startswith("duikou."):
            help_text = (load_command_class(app, name).help or "").strip().splitlines()[0:1]
            commands[name] = help_text[0] if help_text else ""
    return commands


def _is_file_argument(argv: list[str]) -> bool:
    positional = [a for a in argv if not a.startswith("-")]
    return bool(positional) and not positional[0].isdigit()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")
    command = argv[0] if argv else None

    if command in READER_COMMANDS or (command == "check" and _is_file_argument(argv[1:])):
        from duikou.reader import cli as reader_cli

        runner = reader_cli.main_extract if command == "extract" else reader_cli.main_check
        return runner(argv[1:])

    import django

    django.setup()
    commands = duikou_commands()
    commands["check"] = "核对方案数字是否自洽（文件或方案编号）/ check a plan's numbers (file or plan id)"
    commands.pop("checkplan", None)
    if command in (None, "-h", "--help", "help"):
        print(_usage(commands))
        return 0 if command else 2
    if command in ("--version", "version"):
        from duikou import __version__

        print(f"duikou {__version__}")
        return 0
    if command not in commands:
        print(f"未知命令 / unknown command: {command}\n\n{_usage(commands)}", file=sys.stderr)
        return 2
    if command == "check":  # `duikou check PLAN-ID`: Django's own `check` keeps its name under manage.py
        argv = ["checkplan", *argv[1:]]
    try:
        return _run_command(argv[0], argv[1:])
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    return 0


def _run_command(name: str, args: list[str]) -> int:
    """Parse and run one management command in this process (unlike run_from_argv, keep connections open)."""
    from django.core.management import CommandError, get_commands, load_command_class
    from django.db import DatabaseError

    command = load_command_class(get_commands()[name], name)
    command._called_from_command_line = True  # usage errors exit 2 through argparse
    parser = command.create_parser("duikou", name)
    try:
        options = vars(parser.parse_args(args))
        positional = options.pop("args", ())
        command.execute(*positional, **options)
    except CommandError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return exc.returncode
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(
            f"数据库错误 / database error: {first_line}（请先运行 duikou migrate，并确认 DUIKOU_DATABASE_URL 可连接）",
            file=sys.stderr,
        )
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
