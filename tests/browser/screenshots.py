#!/usr/bin/python3
"""The upload page's screenshots (30-33) and the inspection page's (34) for
docs/screenshots/, taken from the flow test-upload-page.py proves: the real service on loopback, bundles made by
the real `sayso`, headless Chromium at a reception PC's size (1366x768).

    tests/browser/screenshots.py [BUILD_DIR [OUT_DIR]]

BUILD_DIR defaults to build/, OUT_DIR to docs/screenshots/."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collect_site  # noqa: E402

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(argv):
    build = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(SOURCE, "build"))
    out = os.path.abspath(argv[2] if len(argv) > 2 else os.path.join(SOURCE, "docs", "screenshots"))
    why = collect_site.missing()
    if why:
        print(f"screenshots.py: {why} (packaging/install-deps.sh installs it)", file=sys.stderr)
        return 1
    os.environ.setdefault("SAYSO_BIN", os.path.join(build, "app", "cli", "sayso"))
    os.environ.setdefault("SAYSO_COLLECT_BIN", os.path.join(build, "app", "collect", "sayso-collect"))
    for name in ("SAYSO_BIN", "SAYSO_COLLECT_BIN"):
        if not os.access(os.environ[name], os.X_OK):
            print(f"screenshots.py: {os.environ[name]} is not built (meson compile -C {build})", file=sys.stderr)
            return 1

    site = collect_site.Site()
    driver = None
    try:
        site.serve()
        good = site.bundle(23)
        bad = site.flipped(good)
        driver = collect_site.browser(tempfile.mkdtemp(dir=site.dir))

        def shot(name):
            path = os.path.join(out, name)
            if not driver.save_screenshot(path):
                raise AssertionError(f"no screenshot written to {path}")
            print(path)

        driver.get(site.url)
        shot("30-upload-page.png")
        collect_site.send(driver, site.url, good)
        shot("31-upload-received.png")
        collect_site.send(driver, site.url, bad)
        shot("32-upload-refused.png")
        # A day's stick: the one already sent, a new one, and the changed one.
        collect_site.send(driver, site.url, good, site.bundle(4), bad)
        shot("33-upload-several.png")

        # The inspection team's page: two sites, three kiosks. Liverpool
        # North's first kiosk sent bundles up to 14 but never 13 (a lost
        # stick?); its second sent two; Wrexham's has sent nothing for 12 days.
        for n in (3, 5, 2, 4, 6, 3, 2, 5, 4, 3):
            site.bundle(n)
        lost = site.bundle(2)
        os.unlink(lost)
        last = site.bundle(23)
        second, _ = site.kiosk_at(collect_site.SITE, "second")
        wrexham, wrexham_pub = site.kiosk_at("Wrexham", "wrexham")
        collect_site.send(driver, site.url, *sorted(
            os.path.join(top, name) for top, _, names in os.walk(site.dir) for name in names
            if name.endswith(".sayso") and top != site.dir and os.path.join(top, name) != last) + [last])
        collect_site.send(driver, site.url, site.bundle(6, second), site.bundle(9, second))
        collect_site.send(driver, site.url, site.bundle(7, wrexham), site.bundle(5, wrexham))
        site.age(wrexham_pub, 12)
        token = site.token()
        driver.get(site.url + "inspection")
        from selenium.webdriver.common.by import By
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        driver.find_element(By.CSS_SELECTOR, "table")
        shot("34-inspection.png")
    finally:
        if driver is not None:
            driver.quit()
        site.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
