"""A live portal on 127.0.0.1 and Debian's Chromium driven by Playwright.

Playwright's own browser download does not work on these machines, so the browser is
/usr/bin/chromium. Under CI=true a missing Chromium stops the run; elsewhere the browser
tests are skipped with the reason.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # A conftest's hook sees every collected item, not only those of its folder.
    mine = [item for item in items if HERE in Path(str(item.fspath)).resolve().parents]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    if mine and not Path(CHROMIUM).exists():
        if IN_CI:
            raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing: the browser tests must run, "
                                    "not be skipped (apt-get install -y chromium)")
        for item in mine:
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install -y chromium)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


class _CountingApp:
    """Counts the requests the app is handling, so the tables are not cleared under one.

    A request counts until Flask has returned the response (its app context, and so its
    database session, is gone by then). Werkzeug closes the response only once the
    browser closes the connection, which is why the close is not waited for.
    """

    def __init__(self, app):
        self.app = app
        self.active = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.active += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.lock:
                self.active -= 1

    def wait_idle(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.active and time.monotonic() < deadline:
            time.sleep(0.01)


@pytest.fixture
def live_server(app, people):
    """Serves the test app (in threads) on a free port of 127.0.0.1 and yields its base URL.

    `people` (and so `regions` and `app_context`) comes first: the data exists before the
    server starts and the tables are cleared only after it has stopped. The test's own
    session commits here, so it holds no transaction the server's requests would wait on;
    each request runs in its own app context with its own session.
    """
    yield from serving(app, "live-portal")


def serving(app, name: str):
    """Serve ``app`` in threads on a free port of 127.0.0.1, yield its base URL, then stop and wait for its
    requests (a fixture's body: ``yield from serving(app, name)``)."""
    from portal.app.extensions import db

    db.session.commit()
    counting = _CountingApp(app)
    server = make_server("127.0.0.1", 0, counting, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        counting.wait_idle()
        db.session.remove()


@pytest.fixture
def console_errors(page):
    """The console errors and uncaught exceptions of the page, as text."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


# --- the accessibility gate: axe-core on every page a test opens, and again after each htmx swap ------------

AXE = HERE / "vendor" / "axe.min.js"  # axe-core 4.14.1 from npm (MPL-2.0, vendor/axe-LICENSE.txt)
GATED = ("serious", "critical")
_AXE_RUNNER = """
(() => {
  if (window.top !== window) return;
  let timer = null;
  const check = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!window.axe || !window.__axeReport) return;
      window.axe.run(document, {resultTypes: ["violations"]}).then(results => {
        const found = results.violations.filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        window.__axeReport(location.pathname + location.search, found);
      }).catch(() => {});
    }, 50);
  };
  window.addEventListener("load", check);
  document.addEventListener("htmx:afterSettle", check);
})();
"""


@pytest.fixture(autouse=True)
def accessibility_gate(request):
    """Fails a browser test when a page it visited, or an htmx swap on it, has a serious or critical axe
    violation. A test that opens no page is not touched."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    found: list[tuple[str, list]] = []
    page.expose_function("__axeReport", lambda where, violations: found.append((where, violations)))
    page.add_init_script(script=AXE.read_text(encoding="utf-8"))
    page.add_init_script(script=_AXE_RUNNER)
    yield
    try:
        page.wait_for_timeout(150)  # the last page's check (it runs 50 ms after the load or the swap)
    except Exception:
        pass
    failures = [(where, v) for where, violations in found for v in violations]
    assert not failures, "accessibility (axe-core, serious or critical): " + "; ".join(
        f"{where}: {v['id']} ({v['impact']}) {v['help']} at {', '.join(v['nodes'])}" for where, v in failures[:12])
