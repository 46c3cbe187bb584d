"""Base class for duikou's management commands: clean one-line errors, Chinese by default, --json output."""

import json
import sys

from django.core.management.base import BaseCommand

from .actor import acting_as
from .errors import InputError
from .models import SecurityEvent
from .security import record

UserError = InputError  # bad input: one line naming the place, exit status 1


class DuikouCommand(BaseCommand):
    """A command exposed as `duikou NAME`; subclasses implement `run(**options)` and set `example`."""

    example = ""
    requires_system_checks = []
    # A command that takes data out of the system (export, backup) is recorded in the security audit.
    exports_data = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        from django.core.management.base import DjangoHelpFormatter

        parser = super().create_parser(prog_name, subcommand, formatter_class=DjangoHelpFormatter, **kwargs)
        if self.example:
            parser.epilog = f"示例 / example:\n  {self.example}"
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="输出一个 JSON 对象 / print one JSON object"
        )
        parser.add_argument("--lang", choices=["zh", "en"], default=None, help="消息语言 / message language")
        return parser

    def handle(self, *args, **options):
        from django.utils import translation

        lang = options.get("lang") or ("en" if _env_lang_is_english() else "zh-hans")
        # override, not activate: a command called in-process (tests, `duikou demo`) leaves the caller's language as it was
        with translation.override("en" if lang == "en" else "zh-hans"), acting_as(None, source="cli"):
            try:
                result = self.run(*args, **options)
            except UserError as exc:
                self.stderr.write(f"{_('错误')}：{exc}" if lang != "en" else f"error: {exc}")
                sys.exit(1)
            if self.exports_data:
                self._record_export(args, options)
        if result is not None:
            summary, payload = result if isinstance(result, tuple) else (result, None)
            if options.get("as_json") and payload is not None:
                self.stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
            elif summary:
                self.stdout.write(summary)

    def run(self, *args, **options):
        raise NotImplementedError

    def _record_export(self, args, options) -> None:
        import getpass

        shown = {
            k: str(v)
            for k, v in options.items()
            if k in {"kind", "id", "output", "file", "action", "plan"} and v
        }
        record(
            SecurityEvent.EXPORT,
            username=f"cli:{getpass.getuser()}"[:150],
            detail={"command": self.__module__.rsplit(".", 1)[-1], "args": list(map(str, args)), **shown},
        )

    def progress(self):
        """A rich progress bar on standard error; silent when standard error is not a terminal."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        return Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=not sys.stderr.isatty(),
        )


def _(text):
    from django.utils.translation import gettext

    return gettext(text)


def _env_lang_is_english() -> bool:
    import os

    return os.environ.get("LANG", "").lower().startswith("en") or os.environ.get("DUIKOU_LANG", "") == "en"
