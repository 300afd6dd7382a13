"""The enrolment letters of the nightly roster import, opened from disk in headless Chromium.

Each new person of the roster has a letter on their group's page (or zonder-groep.html) with
their name, the group and their one-time code as text and as a QR code drawn from inline
SVG with a real size on the screen; printed (Chromium's print to PDF, A4) every letter is
one sheet. The pages load nothing and log no errors. Screenshots at desktop and phone width
and the printed PDFs go to --screenshots on every run.

The pages come from nightly_world.py (--world: its world.json).
"""

import argparse
import base64
import json
import os
import re

import werkex_browser as wb

LETTERS_JS = """
    return Array.from(document.querySelectorAll('section.letter')).map(s => {
      const svg = s.querySelector('.qr svg');
      const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      const path = svg ? svg.querySelector('path') : null;
      return {name: s.querySelector('h1').textContent,
              group: (s.querySelector('.group') || {}).textContent,
              code: (s.querySelector('.code') || {}).textContent,
              qr_width: box.width, qr_height: box.height,
              qr_modules: path ? (path.getAttribute('d').match(/M/g) || []).length : 0,
              break_after: getComputedStyle(s).breakAfter};
    });
"""


def printed_pages(browser, path):
    """Prints the open page to an A4 PDF at `path`; returns its number of pages."""
    pdf = browser.driver.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})
    data = base64.b64decode(pdf["data"])
    with open(path, "wb") as f:
        f.write(data)
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def expected_letters(world):
    """file name -> [(name, group line or None, code)], as letters.cpp writes the pages."""
    pages = {}
    for person in world["new_people"]:
        for group in person.get("groups") or [None]:
            if group is None:
                file = "zonder-groep.html"
            else:
                # Byte by byte, as letters.cpp does: "é" (two bytes in UTF-8) becomes "__".
                file = re.sub(rb"[^A-Za-z0-9-]", b"_", group.encode()).decode() + ".html"
            line = None if group is None else "Groep " + group
            pages.setdefault(file, []).append((person["name"], line, person["code"]))
    return pages


def run(args):
    with open(args.world, encoding="utf-8") as f:
        world = json.load(f)
    checks = wb.Checks("browser: letters")
    expected = expected_letters(world)
    on_disk = sorted(f for f in os.listdir(world["letters_dir"]) if f.endswith(".html"))
    checks.check(on_disk == sorted(expected), "one page per group of the new people",
                 (on_disk, sorted(expected)))
    checks.check(len(world["new_people"]) >= 10, "the roster made new people",
                 len(world["new_people"]))
    os.makedirs(args.screenshots, exist_ok=True)
    for old in os.listdir(args.screenshots):  # a group gone since the last run
        if old.startswith("letters-"):
            os.remove(os.path.join(args.screenshots, old))
    with wb.Browser(args.screenshots) as browser:
        for file in on_disk:
            stem = "letters-" + file[:-len(".html")]
            path = os.path.join(world["letters_dir"], file)
            browser.desktop()
            browser.open_file(path)
            checks.check(browser.js("return document.documentElement.lang") == "nl",
                         file + ": lang=nl")
            letters = browser.js(LETTERS_JS)
            shown = [(l["name"], l["group"], l["code"]) for l in letters]
            want = [("Welkom bij werkex, " + name, group, code)
                    for name, group, code in expected.get(file, [])]
            checks.check(shown == want, file + ": each person's name, group (if any) and code, "
                         "in order",
                         {"shown": shown, "expected": want})
            for l in letters:
                checks.check(l["qr_width"] > 100 and abs(l["qr_width"] - l["qr_height"]) < 1,
                             file + ": the QR code of " + l["name"] + " is drawn, square",
                             (l["qr_width"], l["qr_height"]))
                checks.check(l["qr_modules"] > 50, file + ": its QR code has modules",
                             l["qr_modules"])
                checks.check(l["break_after"] == "page", file + ": a new sheet after each letter",
                             l["break_after"])
            overflow = browser.horizontal_overflow()
            checks.check(overflow["overflow"] == 0, file + ": nothing sticks out sideways",
                         overflow)
            print("screenshot " + browser.screenshot(stem + "-desktop"))
            wb.check_self_contained(checks, browser, file)
            pages = printed_pages(browser, os.path.join(args.screenshots, stem + ".pdf"))
            checks.check(pages == len(letters), file + ": printed, one A4 sheet per letter",
                         (pages, len(letters)))

            browser.phone()
            browser.open_file(path)
            overflow = browser.horizontal_overflow()
            checks.check(overflow["overflow"] == 0, file + ": on a phone nothing sticks out",
                         overflow)
            print("screenshot " + browser.screenshot(stem + "-phone"))
            wb.check_self_contained(checks, browser, file + " on a phone")
    return checks.finish()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", required=True, help="world.json from nightly_world.py")
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots")
    args = parser.parse_args()
    wb.main(lambda: run(args))


if __name__ == "__main__":
    main()
