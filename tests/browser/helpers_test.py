"""werkex_browser.py's own checks, on pages made to pass and pages made to fail them.

A check that cannot fail proves nothing: a page that loads a stylesheet over HTTP and an
image from a missing file, logs an error and is wider than a phone must fail every check
the portfolio and letters tests rely on, and a clean page must pass them. Also the real
werkex-server started and stopped through ServerProcess, its page opened over HTTP.
"""

import argparse
import os
import shutil
import tempfile
import urllib.request

import werkex_browser as wb

HEAD = ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">')

BAD = HEAD + """
<link rel="stylesheet" href="http://127.0.0.1:59999/stijl.css">
<style>p{background:url(achtergrond.png)}</style></head><body>
<p>Een pagina die niet op zichzelf staat</p>
<img id="foto" src="ontbreekt.jpg" alt="foto">
<div style="width:600px">breder dan een telefoon</div>
<p>eenheelheellangwoordzonderplekomaftebrekeneenheelheellangwoordzonderplekomaftebreken</p>
<script>console.error('kapot'); nietGedefinieerd();</script>
</body></html>
"""


def good_page(jpeg):
    import base64
    return HEAD + """<style>p{margin:1rem}</style></head><body>
<p>Een pagina die op zichzelf staat</p><a href="#onder">naar onder</a>
<img id="foto" src="data:image/jpeg;base64,%s" alt="foto" style="max-width:100%%">
<p id="onder">einde</p></body></html>
""" % base64.b64encode(jpeg).decode()


def failures_of(browser):
    """The failures check_self_contained finds on the open page."""
    inner = wb.Checks("inner", echo=False)
    wb.check_self_contained(inner, browser, "page")
    return inner.failures


def image_ok(browser):
    return browser.js("const i = document.getElementById('foto');"
                      "return i.complete && i.naturalWidth > 0")


def run(args):
    checks = wb.Checks("browser: helpers")
    work = tempfile.mkdtemp(prefix="werkex-browser-")
    try:
        with wb.Browser(args.screenshots) as browser:
            jpeg = browser.make_jpeg(64, 48, 120)
            checks.check(jpeg[:3] == b"\xff\xd8\xff", "make_jpeg gives a JPEG file", jpeg[:4])
            good, bad = os.path.join(work, "goed.html"), os.path.join(work, "fout.html")
            with open(good, "w", encoding="utf-8") as f:
                f.write(good_page(jpeg))
            with open(bad, "w", encoding="utf-8") as f:
                f.write(BAD)

            for size in ("desktop", "phone"):
                getattr(browser, size)()
                browser.open_file(good)
                found = failures_of(browser)
                checks.check(not found, size + ": a self-contained page passes", found)
                checks.check(image_ok(browser), size + ": its embedded photo renders")
                overflow = browser.horizontal_overflow()
                checks.check(overflow["overflow"] == 0, size + ": it fits", overflow)

            browser.phone()
            browser.open_file(bad)
            found = " | ".join(failures_of(browser))
            checks.check("stijl.css" in found and "ontbreekt.jpg" in found,
                         "the HTTP stylesheet and the missing file are caught as requests", found)
            checks.check("link href=http://127.0.0.1:59999/stijl.css" in found and
                         "css url(achtergrond.png)" in found,
                         "the addresses in the page and in its CSS are caught", found)
            checks.check("kapot" in found and "nietGedefinieerd" in found,
                         "console.error and an uncaught exception are caught", found)
            checks.check(not image_ok(browser), "the missing image does not count as rendered")
            overflow = browser.horizontal_overflow()
            culprits = " | ".join(overflow["sticking_out"])
            checks.check(overflow["overflow"] > 0, "phone: the wide page is caught", overflow)
            checks.check("div is too wide" in culprits and "p has text sticking out" in culprits,
                         "phone: the wide box and the long word are named", culprits)
            shot = browser.screenshot("helpers-bad-phone")
            checks.check(os.path.getsize(shot) > 1000, "a screenshot is written", shot)

            data = os.path.join(work, "server")
            with wb.ServerProcess(args.server, data) as server:
                checks.check(server.url.startswith("http://127.0.0.1:"), "the server's URL",
                             server.url)
                checks.check((server.admin_url or "").startswith("http://127.0.0.1:"),
                             "its admin listener's URL", server.admin_url)
                checks.check(len(server.codes.get("Sem", "")) == 11,
                             "the demo school's enrolment codes", server.codes)
                with urllib.request.urlopen(server.url + "/healthz", timeout=60) as answer:
                    checks.check(answer.status == 200, "GET /healthz answers 200")
                browser.desktop()
                browser.open(server.url + "/healthz")
                checks.check(server.url + "/healthz" in browser.requests(),
                             "the browser's requests over HTTP are seen", browser.requests())
            checks.check(server.process.returncode == 0, "SIGTERM stops the server cleanly",
                         server.process.returncode)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return checks.finish()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True, help="the werkex-server binary")
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots")
    args = parser.parse_args()
    wb.main(lambda: run(args))


if __name__ == "__main__":
    main()
