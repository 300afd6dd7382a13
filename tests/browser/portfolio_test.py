"""The pupil's portfolio.html from the nightly export, opened from disk in headless Chromium.

What a parent or an mbo intake sees when they open it from a USB stick: Dutch headings; the
cycle in order on the screen (why, preparation, experience, reflection, next step); the
photo rendered from an embedded thumbnail and the photo showing other people left out; the
mentor's comment and the supervisor's sign-off; nothing loaded from anywhere, no script
errors; and on a phone 375 px wide nothing sticks out sideways. Screenshots of the whole
page at desktop and phone width go to --screenshots on every run.

The page comes from nightly_world.py (--world: its world.json).
"""

import argparse
import json

import werkex_browser as wb

PHASES = ["Waarom", "Voorbereiding", "Ervaring", "Reflectie", "Vervolgstap"]

# Each phase of the activity's cycle: its heading and where it is drawn on the screen.
PHASES_JS = """
    const cycle = Array.from(document.querySelectorAll('article.cyclus'))
        .find(a => a.querySelector('h3').textContent.includes(arguments[0]));
    if (!cycle) return null;
    return Array.from(cycle.querySelectorAll('.fase')).map(f => ({
        heading: f.querySelector('h4').textContent,
        top: f.getBoundingClientRect().top + window.scrollY,
        height: f.getBoundingClientRect().height}));
"""

IMAGES_JS = """
    return Array.from(document.images).map(img => ({
        complete: img.complete, natural_width: img.naturalWidth,
        natural_height: img.naturalHeight, shown_width: img.getBoundingClientRect().width,
        shown_height: img.getBoundingClientRect().height,
        src_start: img.getAttribute('src').slice(0, 23),
        caption: (img.closest('figure').querySelector('figcaption') || {}).textContent || '',
        phase: (img.closest('.fase') || {className: ''}).className}));
"""


def check_images(checks, browser, text, size):
    images = browser.js(IMAGES_JS)
    checks.check(len(images) == 1, size + ": exactly one photo on the page (the other shows "
                 "other people)", images)
    for img in images:
        checks.check(img["complete"] and img["natural_width"] > 0 and img["natural_height"] > 0,
                     size + ": the photo is decoded and has pixels", img)
        checks.check(img["shown_width"] > 0 and img["shown_height"] > 0,
                     size + ": the photo takes space on the screen", img)
        checks.check(img["src_start"] == "data:image/jpeg;base64,",
                     size + ": the photo is an embedded JPEG (data: URI)", img["src_start"])
        # The shown photo is landscape, the one showing other people portrait.
        checks.check(img["natural_width"] > img["natural_height"],
                     size + ": it is the landscape photo, not the one showing others", img)
        checks.check(img["caption"] == text["caption_shown"], size + ": with its caption",
                     img["caption"])
        checks.check("fase-ervaring" in img["phase"], size + ": in the experience",
                     img["phase"])


def check_desktop(checks, browser, world):
    text = world["text"]
    checks.check(browser.js("return document.documentElement.lang") == "nl",
                 "the page says it is Dutch (lang=nl)")
    h1 = browser.js("return document.querySelector('h1').textContent")
    checks.check(h1 == "Loopbaandossier van " + world["pupil"], "Dutch title with the name", h1)
    h2 = browser.js("return Array.from(document.querySelectorAll('h2')).map(h => h.textContent)")
    for heading in ["Loopbaancompetenties", "Stages", "Tijdlijn", "Aftekeningen"]:
        checks.check(heading in h2, "section heading " + heading, h2)

    phases = browser.js(PHASES_JS, text["title"])
    checks.check(phases is not None, "the activity's cycle is on the page", text["title"])
    phases = phases or []
    headings = [p["heading"].split(",")[0] for p in phases]
    checks.check(headings == PHASES, "the cycle's phases in order: " + " > ".join(PHASES),
                 headings)
    tops = [p["top"] for p in phases]
    checks.check(all(p["height"] > 0 for p in phases) and tops == sorted(tops),
                 "the phases are drawn top to bottom in that order", phases)

    body = browser.js("return document.body.innerText")
    for key in ["builds_on", "want_to_find_out", "note", "red_thread", "next_step", "comment",
                "assessment"]:
        checks.check(text[key] in body, "shows " + key + " as written", text[key])
    checks.check(text["caption_others"] not in body,
                 "the caption of the photo showing others is not on the page")
    checks.check("1 foto is hier weggelaten omdat er andere mensen op staan" in body,
                 "says one photo was left out, and why")
    checks.check("geldig" in browser.js(
        "return document.querySelector('#aftekeningen').innerText"),
        "the supervisor's sign-off is listed as geldig")
    check_images(checks, browser, text, "desktop")
    overflow = browser.horizontal_overflow()
    checks.check(overflow["overflow"] == 0, "desktop: nothing sticks out sideways", overflow)


def check_phone(checks, browser, world):
    overflow = browser.horizontal_overflow()
    checks.check(overflow["width"] == wb.PHONE[0], "phone: the page is laid out %d px wide"
                 % wb.PHONE[0], overflow["width"])
    checks.check(overflow["overflow"] == 0, "phone: nothing sticks out sideways", overflow)
    check_images(checks, browser, world["text"], "phone")
    phases = browser.js(PHASES_JS, world["text"]["title"]) or []
    checks.check([p["heading"].split(",")[0] for p in phases] == PHASES,
                 "phone: the cycle's phases in order")


def run(args):
    with open(args.world, encoding="utf-8") as f:
        world = json.load(f)
    checks = wb.Checks("browser: portfolio")
    with wb.Browser(args.screenshots) as browser:
        browser.open_file(world["portfolio"])
        check_desktop(checks, browser, world)
        print("screenshot " + browser.screenshot("portfolio-desktop"))
        wb.check_self_contained(checks, browser, "desktop")

        browser.phone()
        browser.open_file(world["portfolio"])
        check_phone(checks, browser, world)
        print("screenshot " + browser.screenshot("portfolio-phone"))
        wb.check_self_contained(checks, browser, "phone")
    return checks.finish()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", required=True, help="world.json from nightly_world.py")
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots")
    args = parser.parse_args()
    wb.main(lambda: run(args))


if __name__ == "__main__":
    main()
