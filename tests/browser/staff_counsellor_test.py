"""The counsellor's and management's staff pages in a real headless Chromium (issue 12),
against the real werkex-server with the demo school: the counsellor signs in, sees the
network, adds a company and a placement through the forms and issues the placement's
sign-off codes; a forged cross-site POST from another page is refused and writes nothing;
the manager sees the aggregates with no pupil's name and the demo's small groups hidden;
the supervisor sees her running placement on Mijn stagiairs, not the ended one.
Every page: no console error, fits a phone, screenshots at both widths; the Netwerk and
Directie screenshots are copied to docs/screenshots/ when --docs is given.
"""

import argparse
import datetime
import os
import shutil
import tempfile

import staff_helpers as sh
import werkex_browser as wb

FORGERY = """<!doctype html><html><body>
<form id="f" method="post" enctype="text/plain" action="%s/v1/staff/companies">
<input name='{"name":"Vervalst BV","x":"' value='"}'></form>
<script>document.getElementById('f').submit();</script></body></html>"""


def network(browser):
    return browser.js("return fetch('/v1/staff/network').then(r => r.json())")


def counsellor_part(checks, browser, server, work, docs):
    sh.sign_in(browser, server.url, server.codes["Meneer De Vries"], "/groep")
    browser.open(server.url + "/netwerk")
    checks.check("Bistro Noord" in sh.text_of(browser, "#wx-companies"),
                 "the network lists the demo's companies")
    sh.check_page(checks, browser, "netwerk")

    sh.fill(browser, "wx-company-name", "Bakkerij Bol")
    sh.fill(browser, "wx-company-sector", "voeding")
    sh.submit(browser, "wx-company-form")
    sh.wait_for(browser, lambda d: "Bakkerij Bol" in sh.text_of(browser, "#wx-companies"),
                "the new company in the list")

    start = datetime.date.today() + datetime.timedelta(days=3)
    noah = sh.select_text(browser, "wx-placement-pupil", "Noah")
    bol = sh.select_text(browser, "wx-placement-company", "Bakkerij Bol")
    sh.select_text(browser, "wx-placement-supervisor", "Ans Bakker")
    sh.select_text(browser, "wx-placement-kind", "Meeloopdag")
    sh.set_value(browser, "wx-placement-start", start.isoformat())
    sh.set_value(browser, "wx-placement-end", (start + datetime.timedelta(days=2)).isoformat())
    checks.check(noah and bol, "the placement form offers Noah and the new company", (noah, bol))
    sh.submit(browser, "wx-placement-form")
    sh.wait_for(browser, lambda d: "Noah" in sh.text_of(browser, "#wx-placements"),
                "the new placement in the list")
    placed = [p for p in network(browser)["placements"] if p["pupil"] == noah]
    checks.check(len(placed) == 1 and placed[0]["company"] == bol,
                 "the server stored the placement", placed)
    sh.check_page(checks, browser, "netwerk")
    if docs:
        shutil.copy(os.path.join(browser.screenshot_dir, "staff-netwerk-desktop.png"),
                    os.path.join(docs, "netwerk.png"))

    browser.open(server.url + "/netwerk/codes/" + placed[0]["id"])
    from selenium.webdriver.common.by import By
    browser.driver.find_element(By.ID, "wx-codes-issue").click()
    sh.wait_for(browser, lambda d: browser.js(
        "return document.querySelectorAll('#wx-codes li').length") == 10, "ten codes")
    checks.check(not browser.console_errors(), "codes: no console error", browser.console_errors())
    browser.screenshot("staff-netwerk-codes-desktop")

    # A page of another origin (a file here) posts to the server: refused, nothing written.
    page = os.path.join(work, "forgery.html")
    with open(page, "w") as f:
        f.write(FORGERY % server.url)
    browser.open_file(page)
    sh.wait_for(browser, lambda d: d.current_url.startswith(server.url), "the forged POST's answer")
    answer = browser.js("return document.body.textContent")
    checks.check('"error"' in answer, "a forged cross-site POST is refused", answer)
    browser.open(server.url + "/netwerk")
    names = [c["name"] for c in network(browser)["companies"]]
    checks.check("Vervalst BV" not in names, "the forgery wrote nothing", names)
    sh.sign_out(browser)


def manager_part(checks, browser, server, docs):
    sh.sign_in(browser, server.url, server.codes["Directie"], "/directie")
    text = browser.js("return document.body.textContent")
    for name in ("Sem", "Aisha", "Noah", "Mevrouw Jansen"):
        checks.check(name not in text, "Directie shows no name: " + name)
    hidden = sh.text_of(browser, "#wx-hidden-groups")
    checks.check(hidden.startswith("2 groep"), "the demo's two small groups are hidden", hidden)
    data = browser.js("return fetch('/v1/staff/aggregates').then(r => r.json())")
    checks.check(all(g["hidden"] and "figures" not in g for g in data["groups"]),
                 "no group's figures in the JSON", data["groups"])
    status = browser.js("return fetch('/v1/staff/network').then(r => r.status)")
    checks.check(status == 403, "the manager gets no network", status)
    sh.check_page(checks, browser, "directie")
    if docs:
        shutil.copy(os.path.join(browser.screenshot_dir, "staff-directie-desktop.png"),
                    os.path.join(docs, "directie.png"))
    sh.sign_out(browser)


def supervisor_part(checks, browser, server):
    sh.sign_in(browser, server.url, server.codes["Ans Bakker"], "/begeleider")
    text = sh.text_of(browser, "#wx-placements")
    checks.check("Bistro Noord" in text and "Sem" in text,
                 "the supervisor sees her running placement", text)
    checks.check("Garage Van Dam" not in text, "not the placement that ended long ago", text)
    status = browser.js("return fetch('/v1/staff/aggregates').then(r => r.status)")
    checks.check(status == 403, "the supervisor gets no aggregates", status)
    sh.check_page(checks, browser, "begeleider")


def run(args):
    checks = wb.Checks("browser: staff counsellor")
    work = tempfile.mkdtemp(prefix="werkex-counsellor-")
    try:
        if args.docs:
            os.makedirs(args.docs, exist_ok=True)
        with wb.ServerProcess(args.server, os.path.join(work, "server")) as server, \
                wb.Browser(args.screenshots) as browser:
            counsellor_part(checks, browser, server, work, args.docs)
            manager_part(checks, browser, server, args.docs)
            supervisor_part(checks, browser, server)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return checks.finish()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True, help="the werkex-server binary")
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots")
    parser.add_argument("--docs", help="folder to copy the Netwerk and Directie screenshots to")
    args = parser.parse_args()
    wb.main(lambda: run(args))


if __name__ == "__main__":
    main()
