"""`corptui serve` as its users meet it: headless Chromium (Debian's chromium and
chromium-driver, which .ci/run installs; selenium from pip, no browser download) on a
free localhost port. The page loads with every request to the server itself (nothing
from the internet: other hosts do not even resolve), the login works, the numbers list
shows, a second tab gets its own session process, closing a tab ends its process, the
database URL is on no command line. Screenshots of the steps are kept in
test-artifacts/serve-browser/."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from corptui import demo
from corptui.database import close_database

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "serve-browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# the page's terminal output, captured from its websocket (xterm draws on a canvas)
CAPTURE = """
(() => {
  window.__out = "";
  const Real = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Real(...args);
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (ev) => {
      if (typeof ev.data === "string") { window.__out += ev.data; return; }
      window.__out += new TextDecoder().decode(new Uint8Array(ev.data).slice(5));
    });
    return ws;
  };
  window.WebSocket.prototype = Real.prototype;
})();
"""

if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
    if os.environ.get("CI"):
        raise RuntimeError("chromium and chromium-driver are missing: .ci/run installs them")
    pytest.skip("chromium / chromium-driver not installed (apt-get install chromium "
                "chromium-driver)", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        try:
            cmd = (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        out.append((child, cmd.decode("utf-8", "replace")))
        todo.extend(children.get(child, []))
    return out


def _sessions(pid: int) -> list[tuple[int, str]]:
    return [(p, c) for p, c in _descendants(pid) if " -P -m corptui" in c
            and not c.startswith("/bin/sh")]


def _wait(predicate, timeout: float = 20.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _browser(port: int):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,760",
                "--disable-dev-shm-usage", "--no-first-run",
                # an offline office network: no other host resolves
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
    return driver


def _requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _typed(driver, text: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(text)


def _screen(driver) -> str:
    return driver.execute_script("return window.__out || ''")


def test_serve_in_a_real_browser(seeded, tmp_path):
    db_path = seeded.removeprefix("sqlite:///")
    close_database()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = dict(os.environ, CORPTUI_DB=f"sqlite:///{db_path}")
    for shadow in ("storage", "screens"):  # folders of the working directory shadow nothing
        (tmp_path / shadow).mkdir()
        (tmp_path / shadow / "__init__.py").write_text("raise SystemExit('shadowed')\n")
    server = subprocess.Popen([sys.executable, "-P", "-m", "corptui", "serve", "--port", str(port),
                               "--max-sessions", "2"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    driver = None
    try:
        _wait(lambda: _port_open(port), what="the server")
        driver = _browser(port)
        driver.get(f"http://127.0.0.1:{port}/")
        _wait(lambda: "Phone number" in _screen(driver), what="the login screen")
        driver.save_screenshot(str(ARTIFACTS / "01-login.png"))
        (session_pid, command), = _wait(lambda: _sessions(server.pid), what="a session")
        assert db_path not in command and "--db" not in command  # not shown by `ps`
        urls = _requested_urls(driver)
        assert urls and all(u.startswith((f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/",
                                           "data:")) for u in urls), urls

        login = next(lg for lg in demo.DEMO_LOGINS if lg["role"] == "owner")
        from selenium.webdriver.common.keys import Keys

        # one field at a time, as a person types (tab moves the focus at once; a burst of
        # keys would read as a paste)
        for keys in (login["phone"], Keys.TAB, login["password"], Keys.ENTER):
            _typed(driver, keys)
            time.sleep(0.8)
        _wait(lambda: "+7 9" in _screen(driver).split("Phone number")[-1]
              and "Numbers" in _screen(driver), what="the numbers list")
        time.sleep(0.5)
        driver.save_screenshot(str(ARTIFACTS / "02-numbers.png"))

        first = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
        driver.get(f"http://127.0.0.1:{port}/")
        _wait(lambda: "Phone number" in _screen(driver), what="the second tab's login")
        driver.save_screenshot(str(ARTIFACTS / "03-second-tab.png"))
        pids = _wait(lambda: len(_sessions(server.pid)) == 2 and _sessions(server.pid),
                     what="two sessions")
        assert session_pid in {p for p, _c in pids}
        with pytest.raises(urllib.error.HTTPError) as full:  # the cap: a third is refused
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ws", timeout=5)
        assert full.value.code == 503

        driver.close()  # the second tab
        driver.switch_to.window(first)
        _wait(lambda: len(_sessions(server.pid)) == 1, what="the closed tab's process to end")
        assert _sessions(server.pid)[0][0] == session_pid
        driver.save_screenshot(str(ARTIFACTS / "04-first-tab-still-on.png"))
    except BaseException:
        if driver is not None:  # what the browser showed when it went wrong
            driver.save_screenshot(str(ARTIFACTS / "failure.png"))
            (ARTIFACTS / "failure-output.txt").write_text(_screen(driver), encoding="utf-8")
        raise
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        output = server.communicate(timeout=15)[0].decode("utf-8", "replace")
        (ARTIFACTS / "server-output.txt").write_text(output, encoding="utf-8")
    assert "at most 2 sessions" in output


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0
