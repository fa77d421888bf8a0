"""End to end in a real terminal: `corptui demo` in tmux at 80x24 with TERM=xterm and
NO_COLOR, as an admin over SSH would run it. Skipped where tmux is not installed."""

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def capture(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                          capture_output=True, text=True).stdout


def wait_for(session: str, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if text in screen:
            return screen
        time.sleep(0.3)
    raise AssertionError(f"{text!r} did not appear; screen was:\n{screen}")


@pytest.fixture
def tmux_session(tmp_path):
    name = f"corptui-{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


@pytest.mark.parametrize("no_color", [False, True])
def test_demo_opens_login_in_80x24_and_logs_in(tmp_path, tmux_session, no_color):
    from corptui.demo import DEMO_LOGINS

    db = tmp_path / "demo.db"
    env = {"TERM": "xterm", "CORPTUI_DATA_DIR": str(tmp_path / "data"),
           "CORPTUI_CONFIG_DIR": str(tmp_path / "config"), "LANG": "C.UTF-8"}
    if no_color:
        env["NO_COLOR"] = "1"
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    cmd = (f"env -u COLORTERM {exports} {sys.executable} -m corptui "
           f"--db sqlite:///{db} demo --numbers 60")
    subprocess.run(["tmux", "new-session", "-d", "-s", tmux_session, "-x", "80", "-y", "24",
                    cmd], check=True, env={**os.environ, "TERM": "xterm"})
    screen = wait_for(tmux_session, "8-800-550-05-55")
    assert "0555" in screen
    owner = next(login for login in DEMO_LOGINS if login["role"] == "owner")
    # one field at a time, as a person types (a burst of keys reads as a paste)
    for keys in ([owner["phone"]], ["Tab"], [owner["password"]], ["Enter"]):
        subprocess.run(["tmux", "send-keys", "-t", tmux_session, *keys], check=True)
        time.sleep(0.4)
    screen = wait_for(tmux_session, "Documents:")  # the login lands on the overview
    assert "What to look at" in screen and "This month so far" in screen
    subprocess.run(["tmux", "send-keys", "-t", tmux_session, "n"], check=True)
    screen = wait_for(tmux_session, "Selected")  # the numbers console a key away
    assert "+7 " in screen  # formatted numbers are listed
    subprocess.run(["tmux", "send-keys", "-t", tmux_session, "C-q"], check=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        alive = subprocess.run(["tmux", "has-session", "-t", tmux_session],
                               capture_output=True).returncode == 0
        if not alive:
            break
        time.sleep(0.2)
    assert not alive, "ctrl+q did not quit the app"
