#!/usr/bin/python3
"""docs/format.md says an analyst can open a record with any libsodium binding,
without Sayso's code. This does exactly that, with PyNaCl, following the doc."""
import base64
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

from nacl.public import PrivateKey, SealedBox

sayso = os.environ["SAYSO_BIN"]


def read_key(path, tag):
    for line in open(path):
        if line.startswith(tag + " "):
            return base64.b64decode(line.split()[1])
    raise SystemExit(f"{path}: no {tag}")


with tempfile.TemporaryDirectory() as d:
    keys, store = os.path.join(d, "keys"), os.path.join(d, "store.db")
    subprocess.run([sayso, "keygen", "--out", keys], check=True, capture_output=True)
    subprocess.run([sayso, "init", "--store", store, "--site", "Dorset",
                    "--recipient", os.path.join(keys, "recipient.pub")], check=True, capture_output=True)
    answers = {"contact_officer": "agree", "what_good": ["travel", "reception"],
               "induction": "Roedd yn iawn – ŵ ŷ"}
    subprocess.run([sayso, "submit", "--store", store, "--mode", "staff", "-"], check=True, capture_output=True,
                   input=json.dumps({"questionnaire": "hmip-user-voice", "language": "cy",
                                     "answers": answers}).encode())

    box = SealedBox(PrivateKey(read_key(os.path.join(keys, "recipient.key"), "sayso-recipient-secret-key")))
    rows = sqlite3.connect(store).execute("SELECT sealed FROM responses").fetchall()
    assert len(rows) == 1, rows
    sealed = rows[0][0]
    assert len(sealed) == 12336, len(sealed)
    padded = box.decrypt(sealed)
    assert len(padded) == 12288
    plaintext = padded.rstrip(b"\0")
    assert plaintext[-1] == 0x80
    record = json.loads(plaintext[:-1].decode())
    keys_in_order = list(record)
    assert keys_in_order == ["sayso_record", "questionnaire", "version", "day", "mode", "site",
                             "language", "answers"], keys_in_order
    assert record["sayso_record"] == 1
    assert record["questionnaire"] == "hmip-user-voice" and record["version"] == 1
    assert len(record["day"]) == 10 and record["day"][4] == "-", record["day"]
    assert record["mode"] == "staff" and record["site"] == "Dorset" and record["language"] == "cy"
    assert record["answers"] == answers, record["answers"]

print("1..1")
print("ok 1 - a record opens with PyNaCl by docs/format.md alone")
sys.exit(0)
