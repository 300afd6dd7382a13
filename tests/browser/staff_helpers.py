"""Small Selenium helpers for the staff dashboard's browser tests (issue 12): waiting, form
fields, and the per-page checks (no console error, fits a phone, screenshots at both widths).
Kept apart from werkex_browser.py, which holds the browser and server machinery."""

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


def text_of(browser, selector):
    """The text of the first element matching the CSS selector, '' if none or hidden."""
    return browser.js("const e = document.querySelector(arguments[0]);"
                      "return e && !e.hidden ? e.textContent : '';", selector)


def fill(browser, element_id, value):
    from selenium.webdriver.common.by import By
    field = browser.driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def set_value(browser, element_id, value):
    """Sets an input's or select's value directly (date inputs type differently per locale)."""
    browser.js("document.getElementById(arguments[0]).value = arguments[1];", element_id, value)


def select_text(browser, element_id, starts_with):
    """Chooses the option whose text starts with `starts_with`; returns its value."""
    return browser.js(
        "const s = document.getElementById(arguments[0]);"
        "const o = Array.from(s.options).find(o => o.textContent.startsWith(arguments[1]));"
        "if (!o) return null; s.value = o.value; return o.value;", element_id, starts_with)


def submit(browser, form_id):
    from selenium.webdriver.common.by import By
    browser.driver.find_element(By.CSS_SELECTOR, "#%s button[type=submit]" % form_id).click()


def sign_in(browser, url, code, start):
    """Signs in with `code` through the form and waits for the start page `start`."""
    browser.open(url + "/inloggen")
    fill(browser, "wx-code", code)
    submit(browser, "wx-signin-code")
    wait_for(browser, lambda d: d.current_url.endswith(start), "the start page " + start)


def sign_out(browser):
    from selenium.webdriver.common.by import By
    browser.driver.find_element(By.CSS_SELECTOR, ".wx-signout button").click()
    wait_for(browser, lambda d: d.current_url.endswith("/inloggen"), "the sign-in page")


def check_page(checks, browser, name):
    """The current page loaded afresh: no console error, fits a phone, screenshots at both
    widths (staff-<name>-desktop.png, staff-<name>-phone.png)."""
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
