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

import hashlib
import struct

from nacl.public import PrivateKey, SealedBox
from nacl.signing import VerifyKey

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
    rows = sqlite3.connect(store).execute(
        "SELECT s.sealed FROM responses r JOIN slots s ON s.key = r.slot").fetchall()
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

    # The export bundle, read by the layout in docs/format.md alone.
    stick = os.path.join(d, "stick")
    os.mkdir(stick)
    subprocess.run([sayso, "export", "--store", store, "--to", stick], check=True, capture_output=True)
    (name,) = os.listdir(stick)
    assert name.startswith("sayso-dorset-") and name.endswith("-0001.sayso"), name
    data = open(os.path.join(stick, name), "rb").read()
    assert data[:8] == b"SAYSOBN1" and data[-8:] == b"SAYSOEND"
    kiosk = data[8:40]
    (m,) = struct.unpack("<I", data[-12:-8])
    signature = data[-76:-12]
    manifest_bytes = data[-76 - m:-76]
    VerifyKey(kiosk).verify(kiosk + manifest_bytes, signature)
    manifest = json.loads(manifest_bytes)
    assert base64.b64decode(manifest["kiosk"]) == kiosk
    assert manifest["sayso_bundle"] == 1 and manifest["sequence"] == 1 and manifest["site"] == "Dorset"
    assert manifest["record_count"] == len(manifest["records"]) == 1
    offset = 40
    for entry in manifest["records"]:
        sealed = data[offset:offset + entry["size"]]
        offset += entry["size"]
        assert hashlib.blake2b(sealed, digest_size=32).hexdigest() == entry["blake2b"]
        assert json.loads(box.decrypt(sealed).rstrip(b"\0")[:-1].decode())["answers"] == answers
    assert offset == len(data) - 76 - m

print("1..2")
print("ok 1 - a record opens with PyNaCl by docs/format.md alone")
print("ok 2 - a bundle verifies and opens with PyNaCl and hashlib by docs/format.md alone")
sys.exit(0)
