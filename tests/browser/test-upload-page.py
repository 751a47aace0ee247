#!/usr/bin/python3
"""The upload page as a reception PC meets it: the real `sayso-collect` on
loopback, bundles made by the real `sayso`, files chosen and sent in headless
Chromium, and what the page then says of each file read off the screen.
TAP; skipped only when Chromium, chromedriver or Selenium is missing."""
import datetime
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collect_site  # noqa: E402
from collect_site import MARKER, SITE  # noqa: E402

PLAN = 8
count = 0
failed = 0


def ok(condition, name, detail=""):
    global count, failed
    count += 1
    failed += not condition
    print(f"{'ok' if condition else 'not ok'} {count} - {name}", flush=True)
    if not condition:
        for line in str(detail).splitlines():
            print(f"# {line}", flush=True)
    return condition


def reason_after(text, head):
    """What follows @head in @text: the reason a person is given."""
    return text[len(head):].strip() if text.startswith(head) else ""


def main():
    why = collect_site.missing()
    if why:
        print(f"1..0 # SKIP {why} (packaging/install-deps.sh installs it)")
        return 0

    print(f"1..{PLAN}", flush=True)
    site = collect_site.Site()
    drivers = []
    seen = []   # every page the browser was shown
    try:
        site.serve()
        good = site.bundle(2)
        bad = site.flipped(good)
        good_name, bad_name = os.path.basename(good), os.path.basename(bad)
        # Each line begins as a sentence does.
        received = f"Received: {SITE}, kiosk {site.kiosk}, bundle 1, 2 responses"
        today = datetime.date.today()
        already = (f"Already received on {today.day} {today.strftime('%B')}: nothing more to do"
                   f" ({SITE}, kiosk {site.kiosk}, bundle 1, 2 responses)")
        profiles = tempfile.mkdtemp(dir=site.dir)

        driver = collect_site.browser(os.path.join(profiles, "on"))
        drivers.append(driver)

        driver.get(site.url)
        seen.append(driver.page_source)
        from selenium.webdriver.common.by import By
        chooser = driver.find_elements(By.CSS_SELECTOR, "input[type=file][multiple]")
        ok(driver.title == "Send survey bundles" and len(chooser) == 1
           and driver.get_window_size()["width"] == collect_site.WINDOW[0],
           "the page opens at a reception PC's size with a file chooser that takes more than one file",
           f"title {driver.title!r}, {len(chooser)} choosers, window {driver.get_window_size()}")

        # The control: the flipped file alone is refused, and nothing is kept.
        alone = collect_site.send(driver, site.url, bad)
        seen.append(driver.page_source)
        # The file's name on a line of its own, then what happened to it.
        head = f"{bad_name}\nNot received."
        ok(len(alone) == 1 and reason_after(alone[0], head) != "" and "eceived:" not in alone[0]
           and site.stored() == [],
           "the flipped file alone is refused with a reason, and nothing is kept",
           f"page said {alone}; stored {site.stored()}")

        both = collect_site.send(driver, site.url, good, bad)
        seen.append(driver.page_source)
        ok(len(both) == 2 and both[0] == f"{good_name}\n{received}"
           and reason_after(both[1], head) != "" and len(site.stored()) == 1,
           "of two files chosen together, the good one is received (site, kiosk, bundle 1, 2 responses)"
           " and the flipped one is not, with a reason",
           f"page said {both}; expected {good_name}\n{received}; stored {site.stored()}")

        again = collect_site.send(driver, site.url, good)
        seen.append(driver.page_source)
        ok(again == [f"{good_name}\n{already}"] and len(site.stored()) == 1,
           "the good file sent again is already received (the day it came, nothing more to do), and kept once",
           f"page said {again}; stored {site.stored()}")

        # With JavaScript off: first show that it is off (a script that
        # runs in the browser above does not run here), then the form post.
        quiet = collect_site.browser(os.path.join(profiles, "off"), javascript=False)
        drivers.append(quiet)
        probe = "data:text/html,<title>off</title><script>document.title='on'</script>"
        driver.get(probe)
        quiet.get(probe)
        ok(driver.title == "on" and quiet.title == "off",
           "the second browser runs no script (the control: the first one does)",
           f"with scripts: {driver.title!r}; without: {quiet.title!r}")

        second = site.bundle(1)
        off = collect_site.send(quiet, site.url, second, bad)
        seen.append(quiet.page_source)
        ok(len(off) == 2
           and off[0] == f"{os.path.basename(second)}\nReceived: {SITE}, kiosk {site.kiosk}, bundle 2, 1 response"
           and reason_after(off[1], head) != "" and len(site.stored()) == 2,
           "with JavaScript off the same form post works: bundle 2 received, the flipped file refused",
           f"page said {off}; stored {site.stored()}")

        # No page shows any answer. The control: the same look finds what
        # the pages do show of the bundles, in every page after a send.
        leaks = [i for i, page in enumerate(seen) if MARKER in page]
        shown = [i for i, page in enumerate(seen) if f"kiosk {site.kiosk}, bundle" in page]
        ok(leaks == [] and shown == [2, 3, 4] and len(seen) == 5,
           "no page the browser was shown holds a free-text answer (the control: the same look finds"
           " the kiosk and bundle the pages name)",
           f"the marker is in pages {leaks} of {len(seen)}; the kiosk in pages {shown}")


        # What the browsers left on the PC's disk (cache, history, session)
        # holds no answer either. The control: the same look finds where
        # they went, the service's address, in what they left.
        for d in drivers:
            d.quit()
        drivers.clear()
        where = site.url.encode()
        left = {"marker": [], "address": []}
        for top, _, names in os.walk(profiles):
            for name in names:
                path = os.path.join(top, name)
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                if MARKER.encode() in data:
                    left["marker"].append(path)
                if where in data:
                    left["address"].append(path)
        ok(left["marker"] == [] and left["address"] != [],
           "the browsers' profiles hold no free-text answer (the control: they hold the address they visited)",
           f"the marker is in {left['marker']}; the address is in {len(left['address'])} files")
    except Exception as error:  # noqa: BLE001 - every failure is a TAP line, then cleanup
        ok(False, "the flow ran to its end", f"{type(error).__name__}: {error}")
    finally:
        for d in drivers:
            try:
                d.quit()
            except Exception as error:  # noqa: BLE001
                print(f"# the browser did not quit: {error}", flush=True)
        try:
            site.close()
        except AssertionError as error:
            ok(False, "the service stops cleanly", error)
    return 0 if count == PLAN and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
