#!/usr/bin/env python3
"""Test-only languages, made from the English at build time.

  test-language.py po LANG sayso.pot OUT.po
      the kiosk's words in test language LANG, for msgfmt
  test-language.py questionnaire IN.json OUT.json
      a questionnaire with every text also in each test language
  test-language.py truncate IN.mo OUT.mo
      the first half of a catalog: a hostile one for the loader's test

The languages, with codes from ISO 639's range for local use (qaa-qtz) so
that none can be a real one:
  qpl  "long": every word about 40% longer and marked, ⟦Ŷöûŕ šåý ~~~~⟧, to
       show text that is cut or ellipsized (a cut one loses its ⟧)
  qpr  "right to left": the English spelt in Hebrew letters, so that it is
       laid out right to left as Arabic, Urdu or Hebrew would be
The test questionnaire has texts in both and in a third, qpz, that has no
catalog: the kiosk must not offer it. None is ever installed nor offered by
the real kiosk: only the tests build and register them.
"""

import json
import re
import sys

LONG_LETTERS = dict(zip(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçðéƒĝĥíĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÍĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"))
# 26 letters onto the 22 Hebrew letters and their 5 final forms.
HEBREW = "אבגדהוזחטיכלמנסעפצקרשתךםןף"
RTL_LETTERS = {c: HEBREW[i] for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")}
RTL_LETTERS.update({c.upper(): h for c, h in RTL_LETTERS.items()})

NAMES = {"qpl": "Long test language", "qpr": "Right to left test"}
REVIEW = "test language, never shown to a respondent"
# printf conversions pass through untouched.
CONVERSION = re.compile(r"%[-+ #0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z]")


def transform(text, language):
    if language == "qpz":
        return "[qpz] " + text
    letters = LONG_LETTERS if language == "qpl" else RTL_LETTERS
    parts = []
    last = 0
    for match in CONVERSION.finditer(text):
        parts.append("".join(letters.get(c, c) for c in text[last:match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append("".join(letters.get(c, c) for c in text[last:]))
    out = "".join(parts)
    if language == "qpl":
        # 40% longer with its marks, in words of at most four so that the
        # text can still wrap.
        extra = max(1, round(len(text) * 0.4) - 3)
        padding = " ".join("~" * min(4, extra - i) for i in range(0, extra, 5))
        out = "⟦" + out + " " + padding + "⟧"
    return out


def escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def read_pot(path):
    """The entries of a .pot: dicts of msgctxt, msgid, msgid_plural, flags."""
    entries, entry, key = [], {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#,"):
                entry.setdefault("flags", line)
                continue
            if not line or line.startswith("#"):
                if "msgid" in entry:
                    entries.append(entry)
                    entry, key = {}, None
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if m:
                key = m.group(1)
                if key == "msgctxt" and "msgid" in entry:
                    entries.append(entry)
                    entry = {}
                entry[key] = m.group(2)
            elif line.startswith('"') and key:
                entry[key] += line[1:-1]
    if "msgid" in entry:
        entries.append(entry)
    for e in entries:
        for k in ("msgctxt", "msgid", "msgid_plural"):
            if k in e:
                e[k] = bytes(e[k], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
    return [e for e in entries if e["msgid"]]


def write_po(language, pot, out):
    lines = [
        "# Test language %s, made by tests/test-language.py: never installed." % language,
        'msgid ""', 'msgstr ""',
        '"Project-Id-Version: sayso\\n"',
        '"PO-Revision-Date: 2026-12-01 00:00+0000\\n"',
        '"Last-Translator: tests/test-language.py\\n"',
        '"Language-Team: none\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Language: %s\\n"' % language,
        '"Plural-Forms: nplurals=2; plural=n != 1;\\n"',
        '"X-Review-Status: %s\\n"' % REVIEW, "",
    ]
    for e in read_pot(pot):
        if "flags" in e:
            lines.append(e["flags"])
        if "msgctxt" in e:
            lines.append('msgctxt "%s"' % escape(e["msgctxt"]))
        lines.append('msgid "%s"' % escape(e["msgid"]))
        if e.get("msgctxt") == "language name":
            lines.append('msgstr "%s"' % escape(transform(NAMES[language], language)))
        elif "msgid_plural" in e:
            lines.append('msgid_plural "%s"' % escape(e["msgid_plural"]))
            lines.append('msgstr[0] "%s"' % escape(transform(e["msgid"], language)))
            lines.append('msgstr[1] "%s"' % escape(transform(e["msgid_plural"], language)))
        else:
            lines.append('msgstr "%s"' % escape(transform(e["msgid"], language)))
        lines.append("")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def add_languages(node, languages):
    if isinstance(node, dict):
        if "en" in node and all(isinstance(v, str) for v in node.values()):
            for language in languages:
                node[language] = transform(node["en"], language)
            return
        for value in node.values():
            add_languages(value, languages)
    elif isinstance(node, list):
        for value in node:
            add_languages(value, languages)


def write_questionnaire(source, out):
    with open(source, encoding="utf-8") as f:
        questionnaire = json.load(f)
    languages = list(NAMES) + ["qpz"]
    for key, value in questionnaire.items():
        if key not in ("languages", "language_review"):
            add_languages(value, languages)
    questionnaire["languages"] += languages
    review = questionnaire.setdefault("language_review", {})
    for language in languages:
        review[language] = "test-language"
    with open(out, "w", encoding="utf-8") as f:
        json.dump(questionnaire, f, ensure_ascii=False, indent=2)


def main(argv):
    if len(argv) == 5 and argv[1] == "po" and argv[2] in NAMES:
        write_po(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "questionnaire":
        write_questionnaire(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "truncate":
        with open(argv[2], "rb") as f:
            data = f.read()
        with open(argv[3], "wb") as f:
            f.write(data[: len(data) // 2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
