#!/usr/bin/python3
"""test-atspi: what a screen reader hears matches the screen.

The real sayso-kiosk, on a fresh demo store, is driven to the end of the
survey through AT-SPI alone, as Orca would see it: buttons are pressed by
their "click" action and the text answers typed on the on-screen keyboard's
keys, found by their names. On every page the test asserts that

  (a) no control of a page not shown is exposed: every control on the bus
      that is visible with a size is one of this page's own (the welcome
      screen's "English" and "Cymraeg" are never there while a question is);
  (b) each chosen answer reports the state a screen reader announces
      (CHECKED, or PRESSED for a toggle) and no other answer does;
  (c) the page moved the focus to its question, or its heading, so that it
      is announced: the focused object's name is the question's text;
  (d) a second respondent, after the kiosk came back to the welcome by
      itself, finds nothing the first typed anywhere on the bus, shown or
      not, and every answer box empty (the control: the same walk finds the
      typed text while the first is still on its page).

meson runs it under Xvfb inside `dbus-run-session`; the test starts the
AT-SPI bus itself. Output is TAP.
"""

import json
import os
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import traceback

# The kiosk's warnings are fatal (G_DEBUG, as for every ui test); this
# client's own (libatspi's, about a bus it probes) are not the kiosk's fault.
KIOSK_G_DEBUG = os.environ.pop("G_DEBUG", None)

import gi  # noqa: E402

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402
import pyatspi  # noqa: E402

KIOSK = os.environ.get("SAYSO_KIOSK_BIN")
QUESTIONNAIRE = os.environ.get("SAYSO_QUESTIONNAIRE_JSON")
# Each wait ends as soon as what it waits for is there: these are only how
# long before calling it stuck, for a kiosk under AddressSanitizer on a
# loaded 2-core machine.
DEADLINE = 60.0  # seconds for anything to appear on the bus
FOCUS_WAIT = 30.0  # seconds for a page to announce itself
STOP_WAIT = 60.0  # seconds for the kiosk to exit on SIGTERM
# libatspi gives up on any call the kiosk has not answered in 800 ms, and
# then takes it for gone ("The application no longer exists"): a loaded
# machine's kiosk answers, later.
CALL_WAIT = 60000  # milliseconds

CONTROL_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_TEXT,
    pyatspi.ROLE_ENTRY,
}
# What a screen reader announces as "chosen" for each role an answer may have.
CHOSEN_STATE = {
    pyatspi.ROLE_RADIO_BUTTON: pyatspi.STATE_CHECKED,
    pyatspi.ROLE_CHECK_BOX: pyatspi.STATE_CHECKED,
    pyatspi.ROLE_TOGGLE_BUTTON: pyatspi.STATE_PRESSED,
    pyatspi.ROLE_PUSH_BUTTON: pyatspi.STATE_PRESSED,
}
# Always there during the survey, whatever the page.
BAR_CONTROLS = {"Start again", "Read aloud", "Back", "Next", "Skip"}
KEYBOARD_KEYS = {"Capital letter", "Delete a letter", "Space", "Numbers", "Welsh letters", "New line"}
# The welcome's own settings, besides a button per language.
WELCOME_SETTINGS = {"Read aloud", "Normal text", "Large text", "Largest text", "High contrast", "Always read aloud"}
# What the first respondent types in each text answer: the second must not
# find it anywhere on the bus.
TYPED = "abcdefghijklmnopqrstuvwxyz"
# The line under a text box, which has a speaker control of its own.
NO_NAMES = "Please do not write anyone's name or any case numbers."


def hear(*texts):
    """The speaker controls beside a page's own texts: "Hear: <the text>"."""
    return {"Hear: %s" % text for text in texts if text}


class Failure(Exception):
    pass


def wait_until(what, check, timeout=DEADLINE):
    """Polls @check (cheap: one walk of the tree) until it returns something
    true, or fails naming @what after @timeout seconds."""
    end = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = check()
        except Failure:
            raise
        except Exception as error:  # the tree changed under the walk
            last = None
            reason = error
        else:
            reason = None
        if last:
            return last
        if time.monotonic() > end:
            raise Failure("timed out waiting for %s%s" % (what, " (%s)" % reason if reason else ""))
        time.sleep(0.05)


# Below these, nothing a screen reader would stop at: not walked, to keep
# each look at the screen to one round of D-Bus calls per node.
LEAF_ROLES = CONTROL_ROLES | {pyatspi.ROLE_LABEL, pyatspi.ROLE_IMAGE, pyatspi.ROLE_SCROLL_BAR}


class Node:
    """One object on the bus as it was when the screen was looked at."""

    def __init__(self, accessible, role):
        self.accessible = accessible
        self.role = role
        self.name = accessible.name
        self.role_name = accessible.getRoleName()
        self.states = accessible.getState()
        try:
            # Window coordinates: GTK 4 on X11 cannot say where its windows are.
            self.box = accessible.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        except NotImplementedError:
            self.box = None

    @property
    def exposed(self):
        """Presented to a screen reader: visible or showing, with a size."""
        if not (self.states.contains(pyatspi.STATE_VISIBLE) or self.states.contains(pyatspi.STATE_SHOWING)):
            return False
        return self.box is not None and self.box.width > 0 and self.box.height > 0

    def chosen(self):
        return self.accessible.getState().contains(CHOSEN_STATE[self.role])

    def press(self):
        action = self.accessible.queryAction()
        for i in range(action.nActions):
            if action.getName(i) in ("click", "press", "activate"):
                action.doAction(i)
                return
        raise Failure("%r has no action to press it" % self.name)


def walk(accessible, found):
    for i in range(accessible.childCount):
        child = accessible.getChildAtIndex(i)
        if child is None:
            continue
        role = child.getRole()
        if role in CONTROL_ROLES or role == pyatspi.ROLE_HEADING:
            found.append(Node(child, role))
        if role not in LEAF_ROLES:
            walk(child, found)


def all_text(accessible, found):
    """Every name, and every text's contents, under @accessible: all a
    screen reader could be asked to read, shown or not."""
    for i in range(accessible.childCount):
        child = accessible.getChildAtIndex(i)
        if child is None:
            continue
        if child.name:
            found.append(child.name)
        if child.getRole() in (pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY, pyatspi.ROLE_LABEL):
            try:
                found.append(child.queryText().getText(0, -1))
            except NotImplementedError:
                pass
        all_text(child, found)


class Kiosk:
    def __init__(self, tmp):
        env = dict(os.environ)
        env.pop("NO_AT_BRIDGE", None)
        env.update(
            GTK_A11Y="atspi",
            SAYSO_SPEECH="none",
            XDG_DATA_HOME=os.path.join(tmp, "data"),
            XDG_CONFIG_HOME=os.path.join(tmp, "config"),
        )
        if KIOSK_G_DEBUG:
            env["G_DEBUG"] = KIOSK_G_DEBUG
        # Under AddressSanitizer: memory errors are still caught, but not
        # leaks. GLib keeps its first quark table (from its constructor)
        # when the AT-SPI bridge's quarks grow it, and LeakSanitizer can
        # only tell that block by its caller with a full unwind, which makes
        # this kiosk too slow to drive. The kiosk's own code is checked for
        # leaks by the in-process ui tests, which run the same window.
        if "ASAN_OPTIONS" in env:
            env["ASAN_OPTIONS"] += ":detect_leaks=0"
        self.focus = None
        self.listener = Atspi.EventListener.new(self._focus_event)
        self.listener.register("object:state-changed:focused")
        # A fresh demo store in the private data folder, sealed to the demo key.
        self.process = subprocess.Popen([KIOSK, "--windowed"], env=env)
        self.app = wait_until("the kiosk on the AT-SPI bus", self._find_app)

    def _focus_event(self, event):
        if event.detail1 and event.source is not None:
            try:
                if event.source.get_process_id() == self.process.pid:
                    self.focus = event.source.name
            except GLib.Error:
                pass

    def _find_app(self):
        if self.process.poll() is not None:
            raise Failure("the kiosk exited with %d" % self.process.returncode)
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.get_process_id() == self.process.pid and app.childCount > 0:
                # Every query asks the kiosk: nothing stale from a cache.
                app.set_cache_mask(Atspi.Cache.NONE)
                return app
        return None

    def _walk(self, how):
        """One whole walk of the kiosk's tree by @how. A page's controls
        leave the tree as its cross-fade ends: a walk that meets an object
        gone meanwhile is begun again (not while the kiosk is gone)."""
        end = time.monotonic() + DEADLINE
        while True:
            Atspi.Accessible.clear_cache(self.app)
            found = []
            try:
                how(self.app, found)
                return found
            except GLib.Error:
                if self.process.poll() is not None or time.monotonic() > end:
                    raise
                time.sleep(0.05)

    def all_text(self):
        return self._walk(all_text)

    def look(self):
        """The controls and headings on the bus now."""
        return self._walk(walk)

    def exposed_controls(self, nodes=None):
        return [n for n in (nodes if nodes is not None else self.look()) if n.role in CONTROL_ROLES and n.exposed]

    def control(self, name, nodes=None):
        found = [n for n in self.exposed_controls(nodes) if n.name == name]
        if len(found) > 1:
            raise Failure("%d controls called %r on the screen" % (len(found), name))
        return found[0] if found else None

    def wait_for_control(self, name):
        return wait_until("a control called %r" % name, lambda: self.control(name))

    def press(self, name):
        self.wait_for_control(name).press()

    def wait_for_focus(self, name, timeout):
        """Until the focus moves to @name (by the kiosk's own events)."""
        end = time.monotonic() + timeout
        context = GLib.MainContext.default()
        while self.focus != name and time.monotonic() < end:
            if not context.iteration(False):
                time.sleep(0.01)
        return self.focus == name

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def expected_path(questionnaire, answers):
    """The questions shown, in order, for @answers (question id -> option ids)."""
    for question in questionnaire["questions"]:
        condition = question.get("show_if")
        if condition and not set(answers.get(condition["question"], ())) & set(condition["any_of"]):
            continue
        yield question


def options_of(questionnaire, question):
    if question["kind"] == "likert":
        return questionnaire["likert"]
    return question.get("options", [])


class Journey:
    """One respondent, by AT-SPI alone; each step reports its assertions."""

    def __init__(self, kiosk, questionnaire, report, respondent):
        self.kiosk = kiosk
        self.questionnaire = questionnaire
        self.report = report if respondent == 1 else (
            lambda ok, what: report(ok, "respondent %d, %s" % (respondent, what)))
        self.welcome = [language_name(code) for code in questionnaire["languages"]]
        # The first respondent also types a digit; the second arrives after
        # the first, and checks that nothing of theirs is left.
        self.respondent = respondent
        self.typed_digit = respondent > 1

    def arrive(self, page, name, marker):
        """(c) The new page announced itself: the focus moved to @name. Then
        a look at the page, once @marker (a name only this page has) is on
        the bus: today's controls."""
        wait_until("the page %s" % page,
                   lambda: any(n.name == marker and n.exposed for n in self.kiosk.look()))
        # A look begun once the page is known to be there: one that crossed
        # the change would hold some of each page.
        nodes = self.kiosk.look()
        # The first page is focused before the test listens: its state says.
        # Otherwise the focus event, however late it comes under load.
        focused = (any(n.name == name and n.states.contains(pyatspi.STATE_FOCUSED) for n in nodes)
                   or self.kiosk.wait_for_focus(name, FOCUS_WAIT))
        self.report(focused, "%s: the focus moved to %r%s"
                    % (page, name, "" if focused else " (it is on %r)" % self.kiosk.focus))
        return nodes

    def check_only(self, page, nodes, allowed):
        """(a) Every exposed control belongs to this page. The page before
        cross-fades out (150 ms; until a frame comes after that, however
        late under load), and its controls go when that ends: the page is
        looked at again until they have gone, or for DEADLINE. Returns the
        last look."""
        def strays_in(nodes):
            names = [n.name for n in self.kiosk.exposed_controls(nodes)]
            return (sorted(set(name for name in names if name not in allowed)),
                    sorted(set(name for name in names if name in self.welcome)))

        strays, welcome = strays_in(nodes)
        end = time.monotonic() + DEADLINE
        while (strays or (welcome and page != "welcome")) and time.monotonic() < end:
            time.sleep(0.05)
            try:
                nodes = self.kiosk.look()
            except GLib.Error:  # the tree changed under the walk
                continue
            strays, welcome = strays_in(nodes)
        if page != "welcome":
            self.report(not welcome, "%s: the welcome screen's language buttons are not exposed%s"
                        % (page, " (found %s)" % welcome if welcome else ""))
        self.report(not strays, "%s: no control of another page is exposed%s"
                    % (page, " (found %s)" % strays if strays else ""))
        return nodes

    def check_chosen(self, page, options, chosen):
        """(b) Chosen answers say so; the others do not."""
        wrong = []
        for label, node in options.items():
            says_chosen = node.chosen()
            if says_chosen != (label in chosen):
                wrong.append("%r (%s) %s" % (label, node.role_name,
                                             "reports chosen" if says_chosen else "does not report chosen"))
        self.report(not wrong, "%s: chosen answers report CHECKED (PRESSED if a toggle), the others not%s"
                    % (page, " (%s)" % "; ".join(wrong) if wrong else ""))

    def run(self):
        kiosk = self.kiosk
        # After the thank-you, the kiosk comes back to the welcome by itself.
        nodes = self.arrive("welcome", "English", "English")
        nodes = self.check_only("welcome", nodes, set(self.welcome) | WELCOME_SETTINGS)
        self.report(all(kiosk.control(name, nodes) for name in self.welcome),
                    "welcome: a button for each language (%s)" % ", ".join(self.welcome))
        if self.respondent > 1:
            left = [text for text in kiosk.all_text() if TYPED in text.lower()]
            self.report(not left, "welcome: nothing the last respondent typed is on the bus%s"
                        % (" (found %r)" % left if left else ""))
        kiosk.control("English", nodes).press()

        nodes = self.arrive("promise", "Before you start", "Start the questions")
        nodes = self.check_only("promise", nodes, BAR_CONTROLS | {"Start the questions"})
        kiosk.control("Start the questions", nodes).press()

        answers = {}
        for question in expected_path(self.questionnaire, answers):
            self.question(question, answers)

        nodes = self.arrive("submit", "You have reached the end", "Send my answers")
        nodes = self.check_only("submit", nodes, BAR_CONTROLS | {"Send my answers"})
        kiosk.control("Send my answers", nodes).press()

        nodes = self.arrive("thanks", "Thank you", "Thank you")
        nodes = self.check_only("thanks", nodes, BAR_CONTROLS)

    def question(self, question, answers):
        kiosk = self.kiosk
        text = question["text"]["en"]
        help_text = question.get("help", {}).get("en")
        page = "question %s" % question["id"]
        options = options_of(self.questionnaire, question)
        labels = [option["label"]["en"] for option in options]

        if question["kind"] == "text":
            nodes = self.arrive(page, text, "Space")
            # The keyboard's letters (shifted or not), punctuation and own
            # keys; not its other layers' digits and accents. (First: until
            # the page before has gone, its box and keys are there too.)
            nodes = self.check_only(page, nodes, BAR_CONTROLS | KEYBOARD_KEYS | {text} | set(string.ascii_letters)
                                    | set(string.punctuation) | hear(text, help_text, NO_NAMES))
            box = [n for n in nodes if n.role == pyatspi.ROLE_TEXT and n.exposed]
            self.report(len(box) == 1 and box[0].name == text,
                        "%s: one answer box, named by the question (%s)" % (page, [n.name for n in box]))
            keys = {n.name.lower(): n for n in kiosk.exposed_controls(nodes)
                    if n.role == pyatspi.ROLE_PUSH_BUTTON and len(n.name) == 1}
            if box:
                before = box[0].accessible.queryText().getText(0, -1)
                self.report(before == "", "%s: the answer box is empty when the page comes%s"
                            % (page, " (it holds %r)" % before if before else ""))
            typed = TYPED
            for letter in typed:
                keys[letter].press()
            if not self.typed_digit:
                # A digit, from the numbers and back: the numbers' keys go
                # when the letters come back.
                kiosk.press("Numbers")
                kiosk.press("1")
                kiosk.press("Letters")
                typed += "1"
                self.typed_digit = True
                wait_until("the letters again", lambda: kiosk.control("Numbers"))
                nodes = kiosk.look()
                nodes = self.check_only(page + " after a digit", nodes, BAR_CONTROLS | KEYBOARD_KEYS | {text}
                                | set(string.ascii_letters) | set(string.punctuation)
                                | hear(text, help_text, NO_NAMES))
            if box:
                got = wait_until("the typed text in the answer box",
                                 lambda: box[0].accessible.queryText().getText(0, -1).lower() == typed)
                self.report(got, "%s: the letters typed by their keys are in the box" % page)
                # The control for the next respondent's look: the same walk
                # finds what was typed while it is there.
                self.report(any(TYPED in text.lower() for text in kiosk.all_text()),
                            "%s: a walk of the whole bus finds what was typed" % page)
            answers[question["id"]] = []
        else:
            nodes = self.arrive(page, text, labels[0])
            nodes = self.check_only(page, nodes, BAR_CONTROLS | set(labels) | hear(text, help_text, *labels))
            by_label = {label: kiosk.control(label, nodes) for label in labels}
            missing = [label for label, node in by_label.items() if node is None]
            if missing:
                raise Failure("%s: no answer called %s on the screen" % (page, missing))
            # What a screen reader says of each: "radio button" for one
            # answer, "check box" for as many as apply, in a group that is
            # the question.
            role = pyatspi.ROLE_CHECK_BOX if question["kind"] == "multiple" else pyatspi.ROLE_RADIO_BUTTON
            roles = sorted(set(node.role_name for node in by_label.values()))
            groups = {named_ancestor(node.accessible) for node in by_label.values()}
            self.report(all(node.role == role for node in by_label.values()) and groups == {text},
                        "%s: the answers are %s in one group named by the question (roles %s, groups %s)"
                        % (page, Atspi.role_get_name(role), roles, sorted(map(str, groups))))
            self.check_chosen(page + " before an answer", by_label, set())
            if question["kind"] == "multiple":
                chosen = labels[:3:2]
            elif question["id"] == "needed_services":
                chosen = [labels[0]]  # "yes": the questions that follow it are shown
            else:
                chosen = [labels[min(1, len(labels) - 1)]]
            for label in chosen:
                by_label[label].press()
            wait_until("Next, once answered", lambda: kiosk.control("Next"))
            self.check_chosen(page, by_label, set(chosen))
            answers[question["id"]] = [o["id"] for o in options if o["label"]["en"] in chosen]
        kiosk.press("Next")


def named_ancestor(accessible):
    """The name of the nearest container that has one: what a screen reader
    says when the focus enters it."""
    parent = accessible.get_parent()
    while parent is not None and parent.getRole() != pyatspi.ROLE_FRAME:
        if parent.name and parent.getRole() in (pyatspi.ROLE_GROUPING, pyatspi.ROLE_PANEL, pyatspi.ROLE_FILLER):
            return parent.name
        parent = parent.get_parent()
    return None


def language_name(code):
    return {"en": "English", "cy": "Cymraeg"}.get(code, code)


def main():
    if not KIOSK or not QUESTIONNAIRE:
        print("Bail out! SAYSO_KIOSK_BIN and SAYSO_QUESTIONNAIRE_JSON must be set")
        return 1
    with open(QUESTIONNAIRE, encoding="utf-8") as f:
        questionnaire = json.load(f)

    Atspi.set_timeout(CALL_WAIT, CALL_WAIT)
    tmp = tempfile.mkdtemp(prefix="sayso-atspi-")
    # Its registry (started by the bus) says it is running on stdout, which is TAP's.
    launcher = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"], stdout=sys.stderr)
    results = []

    def report(ok, what):
        results.append(ok)
        print("%s %d - %s" % ("ok" if ok else "not ok", len(results), what), flush=True)

    kiosk = None
    try:
        kiosk = Kiosk(tmp)
        # Two respondents in turn, as a reception's kiosk has them.
        Journey(kiosk, questionnaire, report, 1).run()
        Journey(kiosk, questionnaire, report, 2).run()
        kiosk.stop()
        report(kiosk.process.returncode == 0, "the kiosk stopped cleanly (exit %d)" % kiosk.process.returncode)
    except Failure as failure:
        report(False, str(failure))
    except GLib.Error as error:
        # Said as a failure, with whether the kiosk was still running, and
        # where (on stderr, beside TAP).
        traceback.print_exc()
        code = kiosk.process.poll() if kiosk else None
        report(False, "AT-SPI: %s (the kiosk %s)"
               % (error.message, "is still running" if code is None else "exited with %d" % code))
    finally:
        if kiosk:
            kiosk.stop()
        launcher.terminate()
        launcher.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
