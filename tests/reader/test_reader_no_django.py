"""The reader is a plain library: importing and using it never imports Django."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_reader_does_not_import_django():
    code = (
        "import sys\n"
        "assert 'django' not in sys.modules\n"
        "import duikou.reader, duikou.reader.cli\n"
        "duikou.reader.extract_text('一、重点任务\\n（一）支持教育。新建学校2所。')\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not leaked, leaked\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr


def test_no_django_import_in_the_source():
    for path in (SRC / "duikou" / "reader").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path
