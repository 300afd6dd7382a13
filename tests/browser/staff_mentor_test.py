"""The mentor side of the staff dashboard in a real headless Chromium (issue 12), against the
real werkex-server with the demo school: the pupil Sem's phone (the werkex device CLI) syncs
a whole cycle with a photo, his supervisor signs the experience from her device and Sem then
changes it (so the sign-off is stale); the mentor signs in, opens her group and sees Sem's
phases and competencies, sorts and filters the table, sees the charts; opens Sem's page and
sees the photo's thumbnail (and its full size), the stale sign-off with the changed field,
the eight conversation rules; writes a comment that reaches Sem's phone through /v1/sync.
A signed-out session is refused; both pages fit a phone and log no console error.
Screenshots go to --screenshots; the group and pupil page's also to --docs (the README's).
"""

import argparse
import datetime
import glob
import json
import os
import shutil
import tempfile

import werkex_browser as wb
from staff_signin_test import fill, submit, wait_for

COMMENT = "Mooi dat je doorvroeg, Sem. Wat neem je mee naar je volgende stage?"
CHANGED_NOTE = "Ik mocht de saus maken en proeven (later aangevuld)."


def make_dossier(args, work, server):
    """Sem's cycle, Ans's sign-off and Sem's change after it; returns (sem, ids)."""
    with wb.Browser(os.path.join(work, "unused")) as maker:
        photo = os.path.join(work, "werkplek.jpg")
        with open(photo, "wb") as f:
            f.write(maker.make_jpeg(800, 600, 20))

    def device(name, who):
        phone = wb.Device(args.cli, os.path.join(work, name + ".db"))
        phone.ok("init", "--server", server.url)
        return phone, phone.ok_json("enroll", server.codes[who])["user"]

    sem, sem_id = device("sem", "Sem")
    ans, _ = device("ans", "Ans Bakker")
    today = datetime.datetime.now(datetime.timezone.utc)
    yesterday = (today - datetime.timedelta(days=1)).strftime("%Y-%m-%dT09:30:00Z")
    activity = sem.ok("activity", "--kind", "snuffelstage", "--title", "Keuken van Bistro Noord",
                      "--builds-on", "Ik kook thuis graag")
    # In his placement: what Ans sees of his dossier (server/app/pupil_view.hpp).
    sem.ok_json("sync")
    placement = sem.ok_json("list", "placement")[0]["id"]
    sem.ok("put", "--json", json.dumps({"id": activity, "placement": placement,
                                        "competencies": ["werkexploratie", "netwerken"]}))
    sem.ok("prepare", "--activity", activity, "--want-to-find-out", "Hoe laat begint de dag?",
           "--verb", "uitproberen")
    experience = sem.ok("experience", "--activity", activity, "--at", yesterday,
                        "--note", "Ik mocht de saus maken.", "--emotion", "trots")
    sem.ok("attach", experience, photo, "--caption", "Mijn werkplek")
    reflection = sem.ok("reflect", "--experience", experience, "--with", "mentor",
                        "--quality", "snel", "--motive", "samenwerken",
                        "--red-thread", "Ik werk graag met mijn handen")
    sem.ok("next-step", "--reflection", reflection, "--description", "Een meeloopdag bij een hotel",
           "--action", "uitproberen")
    sem.ok_json("sync")
    ans.ok_json("sync")
    ans.ok("sign", experience, "--date", today.strftime("%Y-%m-%d"), "--hours", "6",
           "--attendance", "aanwezig", "--assessment", "Werkt netjes")
    ans.ok_json("sync")
    sem.ok_json("sync")
    sem.ok("put", "--json", json.dumps({"id": experience, "note": CHANGED_NOTE}))
    sem.ok_json("sync")
    return sem, {"sem": sem_id, "activity": activity, "experience": experience}


def check_fits_phone(checks, browser, name, shots):
    browser.screenshot(name + "-desktop")
    browser.phone()
    browser.driver.refresh()
    overflow = browser.horizontal_overflow()
    checks.check(overflow["overflow"] == 0, name + ": fits a phone", overflow)
    shots.append(browser.screenshot(name + "-phone"))
    browser.desktop()
    browser.open(browser.driver.current_url)  # waits for the images too


def check_group(checks, browser, server, ids):
    row = "tr[data-pupil='%s']" % ids["sem"]
    phases = browser.js("return Array.from(document.querySelectorAll(arguments[0] + ' .wx-phase'))"
                        ".map(p => [p.dataset.phase, p.dataset.reached])", row)
    checks.check(dict(phases) == {"voorbereid": "ja", "ervaren": "ja", "gereflecteerd": "ja",
                                  "vervolgstap": "ja", "afgetekend": "nee"},
                 "groep: Sem's phases (the stale sign-off does not count)", phases)
    group = browser.js("return document.getElementById('wx-group-name').dataset.group")
    data = browser.js("return fetch('/v1/staff/groups/' + arguments[0]).then(r => r.json())", group)
    sem = [p for p in data["pupils"] if p["id"] == ids["sem"]][0]
    checks.check([c["id"] for c in sem["competencies"]] == ["werkexploratie", "netwerken"],
                 "groep JSON: Sem's competencies", sem["competencies"])
    shown = browser.js("return document.querySelector(arguments[0] + ' .wx-competencies')"
                       ".textContent", row)
    labels = [c["label"] for c in sem["competencies"]]
    checks.check(all(l in shown for l in labels) and "werkexploratie " not in shown,
                 "groep: Sem's competencies with their Dutch labels", (shown, labels))
    checks.check(sem["signoffs"]["stale"] == 1, "groep JSON: one stale sign-off", sem["signoffs"])
    aisha = browser.js("return Array.from(document.querySelectorAll('tr.wx-inactive'))"
                       ".map(r => r.cells[0].dataset.value)")
    checks.check(aisha == ["Aisha"], "groep: Aisha (no activity) is marked", aisha)
    fill(browser, "wx-group-filter", "Sem")
    visible = browser.js("return Array.from(document.querySelectorAll('#wx-group-table tbody tr'))"
                         ".filter(r => !r.hidden).length")
    checks.check(visible == 1, "groep: the filter leaves one row", visible)
    fill(browser, "wx-group-filter", "")
    browser.js("document.querySelector('th[data-sort=num] button').click()")
    browser.js("document.querySelector('th[data-sort=num] button').click()")
    first = browser.js("return document.querySelector('#wx-group-table tbody tr').dataset.pupil")
    checks.check(first == ids["sem"], "groep: sorted by activities, most first: Sem", first)
    drawn = browser.js("return !!window.Chart && Array.from(document.querySelectorAll("
                       "'.wx-chart canvas')).every(c => window.Chart.getChart(c) && c.width > 0)")
    checks.check(drawn, "groep: three charts drawn with Chart.js")


def check_pupil(checks, browser, data_dir):
    browser.js("""const img = document.querySelector('img.wx-thumb');
                  img.scrollIntoView();""")
    wait_for(browser, lambda d: browser.js(
        "const i = document.querySelector('img.wx-thumb'); return i.complete && i.naturalWidth"),
        "the thumbnail to load")
    width = browser.js("return document.querySelector('img.wx-thumb').naturalWidth")
    checks.check(0 < width <= 320, "leerling: the thumbnail loads, at most 320 px", width)
    full = browser.js("""return fetch(document.querySelector('.wx-photo a').href)
        .then(r => r.blob().then(b => [r.status, r.headers.get('Content-Type'), b.size]))""")
    checks.check(full[0] == 200 and full[1] == "image/jpeg", "leerling: the full size opens", full)
    # Before the refusals below, which the console reports as failed loads.
    checks.check(not browser.console_errors(), "leerling: no console error",
                 browser.console_errors())
    refused = browser.js("""const a = document.querySelector('.wx-photo a').href;
        const other = a.replace(/photos\/[0-9a-f]{64}/, 'photos/' + 'ab'.repeat(32));
        return Promise.all([fetch(other), fetch(a.replace('size=full', 'size=huge'))])
          .then(rs => rs.map(r => r.status))""")
    checks.check(refused == [404, 400], "leerling: a photo not in the dossier 404, a bad size 400",
                 refused)
    cached = glob.glob(os.path.join(data_dir, "thumbs", "*", "*-320.jpg"))
    checks.check(len(cached) == 1, "leerling: the thumbnail is cached under <data>/thumbs", cached)
    stale = browser.js("""const s = document.querySelector('.wx-signoff-stale');
        return s ? s.textContent : ''""")
    checks.check("verouderd" in stale and "Ervaring (Verslag)" in stale,
                 "leerling: the stale sign-off says which field changed", stale)
    rules = browser.js("return document.querySelectorAll('#wx-rules li').length")
    checks.check(rules == 8, "leerling: the eight conversation rules", rules)
    chain = browser.js("return Array.from(document.querySelectorAll('.wx-chain > li'))"
                       ".map(li => li.className)")
    checks.check(len(chain) == 5, "leerling: the cycle's chain of five entries", chain)


def run(args):
    checks = wb.Checks("browser: staff mentor")
    work = tempfile.mkdtemp(prefix="werkex-mentor-")
    docs = []
    try:
        with wb.ServerProcess(args.server, os.path.join(work, "server")) as server:
            sem, ids = make_dossier(args, work, server)
            with wb.Browser(args.screenshots) as browser:
                browser.open(server.url + "/groep")
                checks.check(browser.driver.current_url.endswith("/inloggen"),
                             "signed out: /groep sends to the sign-in page")
                fill(browser, "wx-code", server.codes["Mevrouw Jansen"])
                submit(browser, "wx-signin-code")
                wait_for(browser, lambda d: d.current_url.endswith("/groep"), "/groep")
                browser.open(server.url + "/groep")
                check_group(checks, browser, server, ids)
                checks.check(not browser.console_errors(), "groep: no console error",
                             browser.console_errors())
                check_fits_phone(checks, browser, "staff-mentor-groep", docs)
                docs[-1] = browser.screenshot("staff-mentor-groep")

                browser.driver.find_element("css selector",
                                            "a[href='/leerling/%s']" % ids["sem"]).click()
                wait_for(browser, lambda d: "/leerling/" in d.current_url, "the pupil page")
                browser.open(browser.driver.current_url)
                check_pupil(checks, browser, server.data_dir)
                check_fits_phone(checks, browser, "staff-mentor-leerling", docs)
                docs[-1] = browser.screenshot("staff-mentor-leerling")

                browser.js("document.getElementById('wx-comment-entry').value = arguments[0]",
                           ids["experience"])
                fill(browser, "wx-comment-text", COMMENT)
                submit(browser, "wx-comment-form")
                wait_for(browser, lambda d: COMMENT in browser.js(
                    "return Array.from(document.querySelectorAll('.wx-comment-body'))"
                    ".map(c => c.textContent).join('|')"), "the comment on the page")
                checks.check(not browser.console_errors(), "comment: no console error",
                             browser.console_errors())
                sem.ok_json("sync")
                comments = sem.ok_json("list", "comment")
                checks.check([c["body"] for c in comments] == [COMMENT]
                             and comments[0]["on"] == ids["experience"],
                             "the comment reached Sem's phone through /v1/sync", comments)

                browser.js("document.getElementById('wx-signout').click()")
                wait_for(browser, lambda d: d.current_url.endswith("/inloggen"), "signed out")
                status = browser.js("return fetch('/v1/staff/pupils/' + arguments[0])"
                                    ".then(r => r.status)", ids["sem"])
                checks.check(status == 401, "signed out: the pupil's JSON is refused", status)
                browser.open(server.url + "/leerling/" + ids["sem"])
                checks.check(browser.driver.current_url.endswith("/inloggen"),
                             "signed out: the pupil page sends to the sign-in page")
        if args.docs and len(docs) == 2:
            os.makedirs(args.docs, exist_ok=True)
            shutil.copyfile(docs[0], os.path.join(args.docs, "groep.png"))
            shutil.copyfile(docs[1], os.path.join(args.docs, "leerling.png"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return checks.finish()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True, help="the werkex-server binary")
    parser.add_argument("--cli", required=True, help="the werkex device CLI binary")
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots")
    parser.add_argument("--docs", help="where groep.png and leerling.png go (the README's)")
    args = parser.parse_args()
    wb.main(lambda: run(args))


if __name__ == "__main__":
    main()
