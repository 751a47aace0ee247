#!/usr/bin/env python3
"""find-welcome.py SCREENSHOT.png [--expect=yes|no] [--full-screen]

Tells whether a screenshot shows the kiosk's welcome screen, by finding its
two big blue language buttons ("English", "Cymraeg"; see
docs/screenshots/01-welcome.png): two solid regions of the kiosk's blue
(#1a5fb4, within a tolerance), each at least 1 % of the screen's area and 8 %
of its height, of about the same size, side by side on one row, each wider
than tall, nearly filling its bounding box (rounded rectangles), with white
text inside. It works at any screen size (one output or two side by side),
because every measure is relative to the screenshot's.

Python's standard library only: a PNG decoder (zlib + struct) for 8-bit,
non-interlaced RGB or RGBA PNGs (what grim writes), then a flood fill.

--full-screen: also require that the kiosk covers the whole screenshot: at
most 0.5 % of it may be pure black, the compositor's empty background.

find-welcome.py --self-test SCREENSHOTS_DIR checks the detector itself on the
documentation's screenshots (TAP): 01-welcome.png and 02-welcome-bilingual.png
are the welcome screen, no other numbered screenshot is; 77 (skip) when the
folder has no 01-welcome.png.

Exit 0 when the answer is the expected one (--expect, default yes), 1 when
not, 2 when the file is not a PNG this can read. It prints what it found.
"""
import struct
import sys
import zlib

BLUE = (0x1A, 0x5F, 0xB4)
TOLERANCE = 24          # per channel: antialiasing, colour management
MIN_AREA = 0.01         # of the screen, per button
MIN_HEIGHT = 0.08       # of the screen's height, per button
MIN_FILL = 0.80         # of the button's bounding box (rounded corners, text)


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError("unsupported PNG: depth %d, colour type %d, interlace %d"
                         % (depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        elif kind != 0:
            raise ValueError("bad PNG filter type %d in row %d" % (kind, y))
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def near(r, g, b, colour, tolerance):
    return (abs(r - colour[0]) <= tolerance and abs(g - colour[1]) <= tolerance
            and abs(b - colour[2]) <= tolerance)


def regions(width, height, bpp, rows):
    """Connected (4-neighbour) regions of the kiosk's blue: bounding box, area."""
    mask = bytearray(width * height)
    for y, row in enumerate(rows):
        base = y * width
        for x in range(width):
            i = x * bpp
            if near(row[i], row[i + 1], row[i + 2], BLUE, TOLERANCE):
                mask[base + x] = 1
    found = []
    for start in range(width * height):
        if mask[start] != 1:
            continue
        mask[start] = 2
        stack, area = [start], 0
        x0 = x1 = start % width
        y0 = y1 = start // width
        while stack:
            p = stack.pop()
            area += 1
            x, y = p % width, p // width
            x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
            for q, inside in ((p - 1, x > 0), (p + 1, x < width - 1),
                              (p - width, y > 0), (p + width, y < height - 1)):
                if inside and mask[q] == 1:
                    mask[q] = 2
                    stack.append(q)
        found.append({"x0": x0, "y0": y0, "x1": x1, "y1": y1, "area": area})
    return found


def white_inside(box, bpp, rows):
    count = 0
    for y in range(box["y0"], box["y1"] + 1):
        row = rows[y]
        for x in range(box["x0"], box["x1"] + 1):
            i = x * bpp
            if row[i] >= 230 and row[i + 1] >= 230 and row[i + 2] >= 230:
                count += 1
    return count


def black_fraction(width, height, bpp, rows):
    black = 0
    for row in rows:
        for x in range(0, width * bpp, bpp):
            if row[x] == 0 and row[x + 1] == 0 and row[x + 2] == 0:
                black += 1
    return black / float(width * height)


def find_welcome(path, full_screen=False):
    """(True|False, explanation)"""
    width, height, bpp, rows = read_png(path)
    screen = width * height
    if full_screen:
        black = black_fraction(width, height, bpp, rows)
        if black > 0.005:
            return False, ["%dx%d screenshot, %.1f%% of it black: the kiosk does not fill the screen"
                           % (width, height, 100 * black)]
    big = [r for r in regions(width, height, bpp, rows) if r["area"] >= MIN_AREA * screen]
    notes = ["%dx%d screenshot; blue regions of at least %d%% of it: %d"
             % (width, height, MIN_AREA * 100, len(big))]
    buttons = []
    for r in big:
        w, h = r["x1"] - r["x0"] + 1, r["y1"] - r["y0"] + 1
        fill = r["area"] / float(w * h)
        white = white_inside(r, bpp, rows)
        notes.append("  %dx%d at (%d,%d): %.1f%% of the screen, fills %.0f%% of its box, "
                     "%d white text pixels" % (w, h, r["x0"], r["y0"], 100.0 * r["area"] / screen,
                                               100 * fill, white))
        if w > h and h >= MIN_HEIGHT * height and fill >= MIN_FILL and white >= 0.01 * w * h:
            buttons.append(r)
    if len(buttons) != 2:
        return False, notes + ["not the welcome screen: %d button-like blue regions, not 2"
                               % len(buttons)]
    left, right = sorted(buttons, key=lambda r: r["x0"])
    if left["x1"] >= right["x0"]:
        return False, notes + ["the two blue regions overlap horizontally: not side by side"]
    centre = lambda r: (r["y0"] + r["y1"]) / 2.0
    if abs(centre(left) - centre(right)) > 0.05 * height:
        return False, notes + ["the two blue regions are not on one row"]
    if max(left["area"], right["area"]) > 1.5 * min(left["area"], right["area"]):
        return False, notes + ["the two blue regions are not of about the same size"]
    return True, notes + ["the welcome screen: two big blue language buttons side by side"
                          + (", filling the screen" if full_screen else "")]


def self_test(folder):
    import os
    if not os.path.exists(os.path.join(folder, "01-welcome.png")):
        print("1..0 # SKIP no %s/01-welcome.png" % folder)
        return 77
    n = failed = 0
    for name in sorted(os.listdir(folder)):
        if not (name.endswith(".png") and name[:2].isdigit()):
            continue
        n += 1
        want = name.startswith(("01-welcome", "02-welcome"))
        try:
            found, notes = find_welcome(os.path.join(folder, name), full_screen=True)
        except (OSError, ValueError, zlib.error, struct.error) as e:
            found, notes = None, [str(e)]
        good = found == want
        failed += not good
        print("%s %d - %s %s the welcome screen" % ("ok" if good else "not ok", n, name,
                                                  "is" if want else "is not"))
        if not good:
            print("\n".join("#   " + line for line in notes))
    print("1..%d" % n)
    return 1 if failed else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--self-test":
        return self_test(sys.argv[2])
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    full_screen = "--full-screen" in sys.argv[1:]
    expect = "yes"
    for a in sys.argv[1:]:
        if a.startswith("--expect="):
            expect = a.split("=", 1)[1]
    if len(args) != 1 or expect not in ("yes", "no"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    try:
        found, notes = find_welcome(args[0], full_screen)
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print("%s: %s" % (args[0], e))
        return 2
    print("\n".join(notes))
    return 0 if found == (expect == "yes") else 1


if __name__ == "__main__":
    sys.exit(main())
