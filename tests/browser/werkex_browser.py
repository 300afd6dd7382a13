"""Helpers for werkex's browser tests, shared by every page checked in a real browser.

- Browser: Debian's headless Chromium driven through Selenium and /usr/bin/chromedriver, at
  a desktop or a phone's size, with full-page screenshots into a folder the test names, the
  page's JavaScript console errors and every request the page made.
- ServerProcess: the real werkex-server on 127.0.0.1 with port 0, its URLs (and the demo
  school's enrolment codes) read from the JSON lines it prints.
- Device: the werkex device CLI on one replica file; run_tool: any other program.
- Checks: named checks that go on after a failure and fail the test at the end.

Plain Python 3 (Debian 12's /usr/bin/python3) with python3-selenium; tools/install-deps.sh
installs chromium, chromium-driver and python3-selenium. Anything missing is a failure with
a message saying what to install, never a skip.
"""

import base64
import json
import os
import signal
import subprocess
import sys
import time

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DESKTOP = (1280, 900)
PHONE = (375, 812)  # CSS pixels of a small phone in portrait

# Generous: two cores may be building something else while the tests run.
PAGE_TIMEOUT_S = 120
SERVER_START_TIMEOUT_S = 120
TOOL_TIMEOUT_S = 300


class SetupError(Exception):
    """Something the test needs is not there or did not start: the test fails with this."""


def require_browser_packages():
    """Raises SetupError naming what to install when Chromium, its driver or Selenium is missing."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    try:
        import selenium  # noqa: F401  (only whether it imports)
    except ImportError:
        missing.append("the selenium module for " + sys.executable)
    if missing:
        raise SetupError(
            "the browser tests need " + ", ".join(missing) + ": run tools/install-deps.sh "
            "(Debian packages chromium, chromium-driver, python3-selenium; the tests run with "
            "Debian's /usr/bin/python3, which is the one python3-selenium installs into)")


def loopback_service(executable_path):
    """chromedriver's selenium Service, reached at 127.0.0.1 instead of "localhost".

    A bare machine or container may have no /etc/hosts; then "localhost" does not resolve
    and selenium, which waits for the driver at localhost, gives up after 30 s.
    """
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common import utils

    class LoopbackService(Service):
        @property
        def service_url(self):
            return "http://127.0.0.1:%d" % self.port

        def is_connectable(self):
            return utils.is_connectable(self.port, host="127.0.0.1")

    return LoopbackService(executable_path=executable_path)


class Browser:
    """One headless Chromium window. Use as a context manager, or call close().

    Not thread-safe: one test drives one browser from one thread.
    """

    def __init__(self, screenshot_dir):
        require_browser_packages()
        from selenium import webdriver

        self.screenshot_dir = screenshot_dir
        os.makedirs(screenshot_dir, exist_ok=True)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        # --remote-debugging-pipe: chromedriver talks to Chromium over a pipe, not through a
        # DevTools port at "localhost", which a machine without /etc/hosts cannot resolve.
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                     "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-extensions", "--no-first-run", "--lang=nl-NL",
                     "--hide-scrollbars", "--force-device-scale-factor=1",
                     "--window-size=%d,%d" % DESKTOP):
            options.add_argument(flag)
        # The console (for errors) and the DevTools network events (for requests) are kept
        # by chromedriver and read with get_log().
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        try:
            self.driver = webdriver.Chrome(service=loopback_service(CHROMEDRIVER),
                                           options=options)
        except Exception as e:
            raise SetupError("headless Chromium did not start through %s: %s"
                             % (CHROMEDRIVER, e)) from e
        self.driver.set_page_load_timeout(PAGE_TIMEOUT_S)
        self.driver.set_script_timeout(PAGE_TIMEOUT_S)
        self._console = []
        self._requests = []
        self.desktop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.driver:
            self.driver.quit()
            self.driver = None

    # --- size -------------------------------------------------------------------------

    def desktop(self):
        """A desktop window: DESKTOP CSS pixels, no touch, no mobile viewport rules."""
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.driver.set_window_size(*DESKTOP)
        self.size = DESKTOP

    def phone(self):
        """A phone: PHONE CSS pixels wide, honouring <meta name="viewport"> like a phone does."""
        width, height = PHONE
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})
        self.size = PHONE

    # --- pages ------------------------------------------------------------------------

    def open(self, url):
        """Loads url and waits until it and everything it loads are done (images decoded).

        Console messages and requests of the previous page are set aside first, so
        console_errors() and requests() speak about this page only.
        """
        self._drain_logs()
        self._console.clear()
        self._requests.clear()
        self.driver.get(url)
        self.js("""
            const done = arguments[arguments.length - 1];
            const images = Array.from(document.images).map(img => img.decode().catch(() => {}));
            Promise.all(images).then(() => done());
        """, asynchronous=True)

    def open_file(self, path):
        self.open("file://" + os.path.abspath(path))

    def js(self, script, *args, asynchronous=False):
        """Runs script in the page (its arguments as arguments[0]…) and returns its result."""
        if asynchronous:
            return self.driver.execute_async_script(script, *args)
        return self.driver.execute_script(script, *args)

    def screenshot(self, name):
        """Saves the whole page (not only what fits the window) as <screenshot_dir>/<name>.png."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        content = metrics["cssContentSize"]
        width = max(self.size[0], int(content["width"]))
        height = min(max(self.size[1], int(content["height"])), 20000)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path = os.path.join(self.screenshot_dir, name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        return path

    def console_errors(self):
        """The page's console errors and uncaught exceptions (and resources that failed)."""
        self._drain_logs()
        return [m["message"] for m in self._console if m.get("level") == "SEVERE"]

    def requests(self):
        """Every URL the page requested since open(): the page itself, files, data: URIs…"""
        self._drain_logs()
        return list(self._requests)

    def make_jpeg(self, width, height, hue):
        """A real JPEG file's bytes (Chromium's encoder), width x height: a gradient around
        `hue` (0-359) with a few shapes, so that each photo looks and hashes differently."""
        self.driver.get("about:blank")
        data_url = self.js("""
            const [w, h, hue] = arguments;
            const c = document.createElement('canvas');
            c.width = w; c.height = h;
            const g = c.getContext('2d');
            const grad = g.createLinearGradient(0, 0, w, h);
            grad.addColorStop(0, `hsl(${hue}, 70%, 45%)`);
            grad.addColorStop(1, `hsl(${(hue + 60) % 360}, 70%, 75%)`);
            g.fillStyle = grad;
            g.fillRect(0, 0, w, h);
            g.fillStyle = '#fff';
            g.beginPath();
            g.arc(w / 3, h / 2, Math.min(w, h) / 5, 0, 2 * Math.PI);
            g.fill();
            g.fillStyle = '#222';
            g.fillRect(w / 2, h / 4, w / 3, h / 2);
            return c.toDataURL('image/jpeg', 0.85);
        """, width, height, hue)
        prefix = "data:image/jpeg;base64,"
        if not data_url.startswith(prefix):
            raise SetupError("Chromium made no JPEG: " + data_url[:40])
        return base64.b64decode(data_url[len(prefix):])

    def horizontal_overflow(self):
        """How far the page is wider than the window, in CSS pixels (0: it fits), and where
        that starts, for a failure message: boxes that stick out on the right while their
        parent does not (a wide table), and text that spills out of its box (a long word)."""
        return self.js("""
            const width = document.documentElement.clientWidth;
            const boxOut = el => el.getBoundingClientRect().right > width + 1;
            const spillsOut = el => getComputedStyle(el).overflowX === 'visible' &&
                el.getBoundingClientRect().left + el.scrollWidth > width + 1;
            const culprits = [];
            const describe = (el, how) => culprits.push(
                el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + how +
                ': ' + (el.textContent || '').trim().slice(0, 40));
            for (const el of document.body.querySelectorAll('*')) {
              if (culprits.length >= 8) break;
              if (boxOut(el) && !boxOut(el.parentElement))
                describe(el, 'is too wide');
              else if (!boxOut(el) && spillsOut(el) &&
                       !Array.from(el.children).some(c => boxOut(c) || spillsOut(c)))
                describe(el, 'has text sticking out');
            }
            return {overflow: Math.max(0, document.documentElement.scrollWidth - width),
                    width: width, sticking_out: culprits};
        """)

    def _drain_logs(self):
        if not self.driver:
            return
        self._console.extend(self.driver.get_log("browser"))
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                self._requests.append(message["params"]["request"]["url"])


class ServerProcess:
    """The real werkex-server as a child process, on loopback with a free port.

    Its stdout (one JSON line per event and request) goes to <data_dir>.log, which is read
    until the "listening" line (and "admin_listening", unless the config turns the admin
    listener off; and the demo's enrolment codes with demo=True) appear. Use as a context
    manager: stop() sends SIGTERM and waits, so the server finishes what it was doing.
    """

    def __init__(self, binary, data_dir, config=None, demo=True):
        self.binary = binary
        self.data_dir = data_dir
        self.log_path = data_dir + ".log"
        self.url = None
        self.admin_url = None
        self.codes = {}  # demo school: person's name -> enrolment code
        argv = [binary, "--data", data_dir, "--listen", "127.0.0.1:0"]
        if config is not None:
            config_path = data_dir + ".config.json"
            with open(config_path, "w") as f:
                json.dump(config, f)
            argv += ["--config", config_path]
        if demo:
            argv.append("--demo")
        self.want_admin = (config or {}).get("admin_listen") != "off"
        self.demo = demo
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _wait_until_ready(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._parse_log():
                return
            if self.process.poll() is not None:
                raise SetupError("werkex-server exited with %s before listening; its output:\n%s"
                                 % (self.process.returncode, self.log()))
            time.sleep(0.1)
        raise SetupError("werkex-server did not say it was listening within %d s; its output:\n%s"
                         % (SERVER_START_TIMEOUT_S, self.log()))

    def _parse_log(self):
        lines = self.log().split("\n")
        complete = lines[:-1]  # the last piece may be a line still being written
        for line in complete:
            if line.startswith("{"):
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("event") == "listening":
                    self.url = event["url"]
                elif event.get("event") == "admin_listening":
                    self.admin_url = event["url"]
        if self.demo:
            self.codes = {}
            in_codes = False
            for line in complete:
                if line.startswith("Enrolment codes"):
                    in_codes = True
                elif in_codes and line.startswith("  "):
                    # "  Name With Spaces   role        CODE"
                    words = line.split()
                    self.codes[" ".join(words[:-2])] = words[-1]
                elif in_codes:
                    break
            if not any(line.startswith("Try,") for line in complete):
                return False
        return self.url is not None and (self.admin_url is not None or not self.want_admin)


def run_tool(argv, stdin=None):
    """Runs argv (argv[0] a path); returns its stdout. Raises SetupError with its stderr if it
    fails or takes longer than TOOL_TIMEOUT_S."""
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                              timeout=TOOL_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        raise SetupError("%s took longer than %d s" % (" ".join(argv), TOOL_TIMEOUT_S)) from e
    if done.returncode != 0:
        raise SetupError("%s exited with %d:\n%s%s" % (" ".join(argv), done.returncode,
                                                      done.stdout, done.stderr))
    return done.stdout


class Device:
    """The werkex device CLI on one replica file: every command gets --db <db>."""

    def __init__(self, cli, db):
        self.cli = cli
        self.db = db

    def ok(self, *args):
        """Runs a command that must succeed; its stdout without the final newline."""
        return run_tool([self.cli, "--db", self.db] + list(args)).rstrip("\n")

    def ok_json(self, *args):
        return json.loads(self.ok(*args))


class Checks:
    """Named checks that keep going after a failure, like Catch2's CHECK.

    check() prints one line per check (unless echo is False); finish() prints the failures
    again and gives the exit code for the test (0 only if every check held).
    """

    def __init__(self, name, echo=True):
        self.name = name
        self.echo = echo
        self.failures = []
        self.count = 0

    def check(self, condition, what, detail=""):
        self.count += 1
        if not condition:
            self.failures.append(what + (": " + str(detail) if detail != "" else ""))
        if self.echo:
            print(("ok   " + what) if condition else ("FAIL " + self.failures[-1]))
        return bool(condition)

    def finish(self):
        if self.failures:
            print("\n%s: %d of %d checks failed:" % (self.name, len(self.failures), self.count))
            for f in self.failures:
                print("  - " + f)
            return 1
        print("\n%s: all %d checks passed" % (self.name, self.count))
        return 0


def check_self_contained(checks, browser, what):
    """Checks the page open in `browser` (opened with open_file) stands alone, as on a USB
    stick without a network: it requested nothing but itself and data: URIs, names no address
    to load (src, href other than #…, srcset, CSS url()), and logged no console error."""
    page = browser.driver.current_url
    others = [u for u in browser.requests() if u != page and not u.startswith("data:")]
    checks.check(not others, what + ": requests nothing but itself and data: URIs", others)
    addresses = browser.js("""
        const found = [];
        for (const el of document.querySelectorAll('[src], [href], [srcset], [poster], [action]')) {
          for (const name of ['src', 'href', 'srcset', 'poster', 'action']) {
            const v = el.getAttribute(name);
            if (v !== null && !v.startsWith('data:') && !v.startsWith('#'))
              found.push(el.tagName.toLowerCase() + ' ' + name + '=' + v.slice(0, 60));
          }
        }
        for (const sheet of document.styleSheets) {
          let rules;
          try {
            rules = sheet.cssRules;
          } catch (e) {  // another origin's stylesheet: its href is reported above
            continue;
          }
          for (const rule of rules)
            for (const m of rule.cssText.matchAll(/url\\(\\s*["']?([^"')]*)/g))
              if (!m[1].startsWith('data:')) found.push('css url(' + m[1].slice(0, 60) + ')');
        }
        return found;
    """)
    checks.check(not addresses, what + ": names no address to load", addresses)
    errors = browser.console_errors()
    checks.check(not errors, what + ": no console errors", errors)


def main(test):
    """Runs test() -> exit code, turning SetupError into a clear failure (exit 1)."""
    try:
        sys.exit(test())
    except SetupError as e:
        print("FAIL (setup) " + str(e), file=sys.stderr)
        sys.exit(1)
