"""scripts/install-system-packages.sh waits (bounded) for another apt holding the lock instead of failing at once."""

import os
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install-system-packages.sh"


def _fake_tools(folder: Path, busy_times: int) -> Path:
    """dpkg-query says nothing is installed; apt-get answers "Could not get lock" `busy_times` times, then works."""
    counter = folder / "calls"
    tools = {
        "dpkg-query": "#!/bin/sh\nexit 1\n",
        "sudo": '#!/bin/sh\nexec "$@"\n',
        "apt-get": f"""#!/bin/sh
n=$(cat {counter} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > {counter}
echo "apt-get $*" >> {folder / "log"}
if [ $n -le {busy_times} ]; then
  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2; exit 100
fi
exit 0
""",
    }
    for name, body in tools.items():
        path = folder / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return counter


def _run(folder: Path, wait: int) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": f"{folder}:{os.environ['PATH']}",
        "DUIKOU_APT_LOCK_WAIT": str(wait),
        "DUIKOU_APT_LOCK_POLL": "0.1",
    }
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def test_waits_for_the_lock_then_installs(tmp_path):
    _fake_tools(tmp_path, busy_times=3)
    result = _run(tmp_path, wait=30)
    assert result.returncode == 0, result.stderr
    assert "waiting for the apt lock" in result.stderr
    calls = (tmp_path / "log").read_text().splitlines()
    assert any(" update" in c for c in calls) and any(" install" in c for c in calls)
    assert all("DPkg::Lock::Timeout=30" in c for c in calls)


def test_gives_up_when_the_lock_is_held_too_long(tmp_path):
    _fake_tools(tmp_path, busy_times=10_000)
    result = _run(tmp_path, wait=1)
    assert result.returncode != 0
    assert "Could not get lock" in result.stderr
