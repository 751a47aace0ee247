"""A collection service and a reception PC's browser, both real, on loopback.

Shared by test-upload-page.py (the test) and screenshots.py (the pictures),
so that the pictures show the flow the test proves. The service is the real
`sayso-collect`, started on 127.0.0.1 port 0; its bundles are made by the
real `sayso`; the browser is Debian's Chromium, driven by chromedriver."""
import base64
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile

SITE = "Liverpool North"
# A free-text answer looked for where no answer may be.
MARKER = "MARKER-a-thing-nobody-may-read-7Qx"
# A reception PC's screen.
WINDOW = (1366, 768)


def missing():
    """Why a browser cannot be driven here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "python3-selenium is missing"
    if chromium_binary() is None:
        return "chromium is missing"
    if shutil.which("chromedriver") is None:
        return "chromium-driver is missing"
    return None


def chromium_binary():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run(argv, stdin=None):
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"{argv[0]} {argv[1]} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


class Site:
    """A kiosk store for SITE, enrolled with a collection service that runs."""

    def __init__(self):
        self.sayso = os.environ["SAYSO_BIN"]
        self.collect = os.environ["SAYSO_COLLECT_BIN"]
        self.dir = tempfile.mkdtemp(prefix="sayso-browser-")
        self.server = None
        self.url = None
        self.sticks = 0
        keys = os.path.join(self.dir, "keys")
        self.store = os.path.join(self.dir, "kiosk.db")
        self.db = os.path.join(self.dir, "collect.db")
        run([self.sayso, "keygen", "--out", keys])
        out = run([self.sayso, "init", "--store", self.store, "--site", SITE,
                   "--recipient", os.path.join(keys, "recipient.pub")])
        at = out.index("# Sayso kiosk")
        pub = os.path.join(self.dir, "kiosk.pub")
        with open(pub, "w") as f:
            f.write(out[at:])
        self.pub = pub
        run([self.collect, "init", "--db", self.db])
        said = run([self.collect, "enroll", "--db", self.db, "--site", SITE, pub])
        self.kiosk = kiosk_number(said, SITE)

    def serve(self):
        """Starts the service; its first line is where it listens."""
        self.server_log = open(os.path.join(self.dir, "server.log"), "w")
        self.server = subprocess.Popen([self.collect, "serve", "--db", self.db, "--listen", "127.0.0.1:0"],
                                       stdout=subprocess.PIPE, stderr=self.server_log, text=True)
        self.url = self.server.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:") or self.url.endswith(":0/"):
            raise AssertionError(f"sayso-collect serve said {self.url!r}, not a loopback address")

    def kiosk_at(self, site, name):
        """Another kiosk, its store @name, enrolled for @site: (store, pub)."""
        store = os.path.join(self.dir, f"{name}.db")
        out = run([self.sayso, "init", "--store", store, "--site", site,
                   "--recipient", os.path.join(self.dir, "keys", "recipient.pub")])
        pub = os.path.join(self.dir, f"{name}.pub")
        with open(pub, "w") as f:
            f.write(out[out.index("# Sayso kiosk"):])
        run([self.collect, "enroll", "--db", self.db, "--site", site, pub])
        return store, pub

    def age(self, pub, days):
        """The bundles of the kiosk whose key is in @pub, as if they had
        arrived @days ago: what time does."""
        key = next(base64.b64decode(line.split()[1]) for line in open(pub)
                   if line.strip() and not line.startswith("#"))
        with sqlite3.connect(self.db, timeout=10) as db:
            db.execute("UPDATE bundles SET received = date('now', 'localtime', ?) WHERE kiosk = ?",
                       (f"-{days} days", key))
        db.close()

    def token(self):
        """An access token for the inspection page."""
        return run([self.collect, "token", "--db", self.db, "--name", "Inspection team"]).strip()

    def bundle(self, n, store=None):
        """@n responses submitted (a MARKER in each free-text answer) to
        @store (the first kiosk's if None), then exported to a stick of their
        own: the bundle's path."""
        store = store or self.store
        self.sticks += 1
        stick = os.path.join(self.dir, f"stick-{self.sticks}")
        os.mkdir(stick, 0o700)
        lines = "".join('{"questionnaire": "hmip-user-voice", "answers": {"how_often": "weekly",'
                        f' "induction": "{MARKER} {i}"}}}}\n' for i in range(n))
        run([self.sayso, "submit", "--store", store, "-"], stdin=lines)
        run([self.sayso, "export", "--store", store, "--to", stick])
        names = os.listdir(stick)
        assert len(names) == 1, names
        return os.path.join(stick, names[0])

    def flipped(self, path, at=100):
        """A copy of the bundle at @path with one bit of byte @at changed."""
        with open(path, "rb") as f:
            data = bytearray(f.read())
        data[at] ^= 0x01
        copy = os.path.join(self.dir, "flipped.sayso")
        with open(copy, "wb") as f:
            f.write(data)
        return copy

    def stored(self):
        """What `sayso-collect list` says is kept: one line a bundle."""
        return run([self.collect, "list", "--db", self.db]).splitlines()

    def close(self):
        try:
            if self.server is not None:
                self.server.send_signal(signal.SIGTERM)
                try:
                    code = self.server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.server.kill()
                    self.server.wait()
                    raise AssertionError("sayso-collect did not stop on SIGTERM")
                finally:
                    self.server.stdout.close()
                    self.server_log.close()
                if code != 0:
                    raise AssertionError(f"sayso-collect stopped with {code}")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def kiosk_number(said, site):
    """The kiosk's number within @site, as `sayso-collect enroll` said it:
    "Enrolled Liverpool North, kiosk 2 (key ABCD-…)"."""
    head = f"Enrolled {site}, kiosk "
    if not said.startswith(head):
        raise AssertionError(f"sayso-collect enroll said {said!r}")
    return int(said[len(head):].split(" ", 1)[0])


def browser(profile, javascript=True):
    """Headless Chromium at a reception PC's size, reaching nothing but loopback."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_binary()
    for arg in ("--headless=new", f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--user-data-dir={profile}",
                "--no-proxy-server", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-first-run",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    # Chromium's sandbox cannot start for root (a CI container).
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    return driver


def send(driver, url, *paths):
    """Opens the upload page, chooses @paths in its file input, sends them:
    the page's text for each file, in order."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys("\n".join(paths))
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located(
        (By.CSS_SELECTOR, "ul.results li")))
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ul.results li")]
