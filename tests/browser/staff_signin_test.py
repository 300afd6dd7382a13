"""The staff dashboard's sign-in in a real headless Chromium (issue 12), against the real
werkex-server with the demo school: the sign-in page in Dutch, a wrong code and a pupil's
code refused with a Dutch message, the mentor's code through the form landing on her start
page (the layout, her name, no console error, fits a phone), a password set on the password
page, signing out through the layout's button, and signing in again with the password.
Screenshots of each step at desktop and phone width go to the screenshot folder.
"""

import argparse
import os
import shutil
import tempfile

import werkex_browser as wb

WAIT_S = 60


def wait_for(browser, condition, what):
    """Waits until condition(driver) holds; raises SetupError naming `what` otherwise."""
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        return WebDriverWait(browser.driver, WAIT_S).until(condition)
    except Exception as e:
        raise wb.SetupError("waited %d s for %s: %s (at %s)"
                            % (WAIT_S, what, e, browser.driver.current_url)) from e


def text_of(browser, element_id):
    return browser.js("const e = document.getElementById(arguments[0]);"
                      "return e && !e.hidden ? e.textContent : '';", element_id)


def fill(browser, element_id, value):
    from selenium.webdriver.common.by import By
    field = browser.driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def submit(browser, form_id):
    from selenium.webdriver.common.by import By
    browser.driver.find_element(By.CSS_SELECTOR, "#%s button[type=submit]" % form_id).click()


def sign_in_message(browser, code):
    """Submits `code` on the sign-in form and returns the Dutch message that appears."""
    fill(browser, "wx-code", code)
    submit(browser, "wx-signin-code")
    return wait_for(browser, lambda d: text_of(browser, "wx-signin-error"), "a sign-in message")


def check_page(checks, browser, name):
    """Loaded afresh (the refusals asked for before are not this page's errors): no console
    error, fits a phone, screenshots at both widths."""
    browser.open(browser.driver.current_url)
    checks.check(not browser.console_errors(), name + ": no console error",
                 browser.console_errors())
    browser.screenshot("staff-" + name + "-desktop")
    browser.phone()
    browser.driver.refresh()
    overflow = browser.horizontal_overflow()
    checks.check(overflow["overflow"] == 0, name + ": fits a phone", overflow)
    browser.screenshot("staff-" + name + "-phone")
    browser.desktop()


def run(args):
    checks = wb.Checks("browser: staff sign-in")
    work = tempfile.mkdtemp(prefix="werkex-staff-")
    try:
        with wb.ServerProcess(args.server, os.path.join(work, "server")) as server, \
                wb.Browser(args.screenshots) as browser:
            browser.open(server.url + "/")
            heading = browser.js("return document.querySelector('h1').textContent")
            checks.check("inloggen" in heading, "/ shows the sign-in page", heading)
            check_page(checks, browser, "signin")

            said = sign_in_message(browser, "AAAAA-BBBBB")
            checks.check("klopt niet" in said, "a wrong code: a Dutch message", said)
            said = sign_in_message(browser, server.codes["Sem"])
            checks.check("Leerlingen gebruiken de app" in said, "a pupil's code: refused", said)
            browser.screenshot("staff-signin-refused-desktop")

            fill(browser, "wx-code", server.codes["Mevrouw Jansen"])
            submit(browser, "wx-signin-code")
            wait_for(browser, lambda d: d.current_url.endswith("/groep"), "the start page /groep")
            me = browser.js("return fetch('/v1/staff/me').then(r => r.json())")
            checks.check(me.get("role") == "teacher", "signed in as the mentor", me)
            name = browser.js("return document.querySelector('.wx-user-name').textContent")
            checks.check(name == "Mevrouw Jansen", "the layout names her", name)
            current = browser.js("return document.querySelector('.wx-nav-current').textContent")
            checks.check(current == "Groep", "the navigation marks Groep", current)
            check_page(checks, browser, "groep")

            browser.open(server.url + "/wachtwoord")
            fill(browser, "wx-new-password", "kort")
            submit(browser, "wx-password-form")
            said = wait_for(browser, lambda d: text_of(browser, "wx-password-result"),
                            "the password page's answer")
            checks.check("10 tekens" in said, "a short password: a Dutch message", said)
            fill(browser, "wx-new-password", "mentor-van-2a-2026")
            submit(browser, "wx-password-form")
            said = wait_for(browser, lambda d: "ingesteld" in text_of(browser, "wx-password-result"),
                            "the password set")
            check_page(checks, browser, "wachtwoord")

            from selenium.webdriver.common.by import By
            browser.driver.find_element(By.CSS_SELECTOR, ".wx-signout button").click()
            wait_for(browser, lambda d: d.current_url.endswith("/inloggen"), "the sign-in page")
            browser.open(server.url + "/groep")
            checks.check(browser.driver.current_url.endswith("/inloggen"),
                         "signed out: /groep sends to the sign-in page", browser.driver.current_url)

            fill(browser, "wx-login", me["person"])
            fill(browser, "wx-password", "mentor-van-2a-2026")
            submit(browser, "wx-signin-password")
            wait_for(browser, lambda d: d.current_url.endswith("/groep"), "/groep by password")
            checks.check(not browser.console_errors(), "no console error after all",
                         browser.console_errors())
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
