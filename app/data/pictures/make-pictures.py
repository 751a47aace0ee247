#!/usr/bin/env python3
"""Writes the built-in survey's pictograms, each as plain SVG text.

One style for all, as Easy Read guidance asks: a 64 x 64 grid, round-capped
strokes in one dark colour on nothing, no words, one idea a picture. Each
picture is written twice: NAME.svg (the kiosk's text colour, 4 px strokes)
and NAME-high-contrast.svg (black, 5 px), which the questionnaire loader
finds by that name. Run it from this folder after changing a drawing:
    python3 make-pictures.py
"""

import os

LOOKS = {
    "": ("#241f31", 4),
    "-high-contrast": ("#000000", 5),
}

# A drawing is SVG elements; "F" marks shapes filled with the colour rather
# than stroked (dots, solid bars).
CAL = '<rect x="10" y="14" width="44" height="40" rx="4"/><path d="M10 25H54M22 8V18M42 8V18"/>'


def mini_calendars(n, columns):
    """n small calendars, the first with a dot: once in n months."""
    out = []
    w, h, gap = (24, 22, 6) if columns <= 2 else (16, 18, 4)
    rows = (n + columns - 1) // columns
    total_w = columns * w + (columns - 1) * gap
    total_h = rows * h + (rows - 1) * gap
    x0, y0 = (64 - total_w) / 2, (64 - total_h) / 2 + 2
    for i in range(n):
        x = x0 + (i % columns) * (w + gap)
        y = y0 + (i // columns) * (h + gap)
        out.append(f'<rect x="{x:g}" y="{y:g}" width="{w}" height="{h}" rx="3"/>')
        out.append(f'<path d="M{x:g} {y + 7:g}H{x + w:g}"/>')
        if i == 0:
            out.append(f'F<circle cx="{x + w / 2:g}" cy="{y + 14:g}" r="3.5"/>')
    return out


def dots_calendar(positions):
    return [CAL] + [f'F<circle cx="{x}" cy="{y}" r="4"/>' for x, y in positions]


def person(cx, head_y, r=6, shoulders=12, bottom=None):
    """A head and shoulders: no face, no hair, no skin, no clothes."""
    top = head_y + r + 4
    bottom = bottom if bottom is not None else top + shoulders
    return (f'<circle cx="{cx}" cy="{head_y}" r="{r}"/>'
            f'<path d="M{cx - shoulders} {bottom}V{top + shoulders}A{shoulders} {shoulders} 0 0 1 '
            f'{cx + shoulders} {top + shoulders}V{bottom}"/>')


def steps(n, chosen):
    """A staircase of n steps, one of them solid: where in the range."""
    w, h = 52 / n, 44 / n
    d = "M6 58"
    for i in range(n):
        d += f"V{58 - (i + 1) * h:g}H{6 + (i + 1) * w:g}"
    d += "V58Z"
    x, top = 6 + chosen * w, 58 - (chosen + 1) * h
    return [f'<path d="{d}"/>', f'F<rect x="{x:g}" y="{top:g}" width="{w:g}" height="{(chosen + 1) * h:g}"/>']


def clock_part(quarters):
    """A clock face filled a quarter at a time: how long so far."""
    out = ['<circle cx="32" cy="32" r="24"/>']
    if quarters >= 4:
        out.append('F<circle cx="32" cy="32" r="18"/>')
    else:
        ends = {1: "50 32", 2: "32 50", 3: "14 32"}
        large = 1 if quarters > 2 else 0
        out.append(f'F<path d="M32 32V14A18 18 0 {large} 1 {ends[quarters]}Z"/>')
    return out


PICTURES = {
    # Appointments: a calendar with one day ringed.
    "appointments": [CAL, '<circle cx="38" cy="40" r="7"/>', 'F<circle cx="38" cy="40" r="2.5"/>'],
    # Travel: the front of a bus.
    "travel": ['<rect x="14" y="8" width="36" height="42" rx="6"/>',
               '<rect x="19" y="14" width="26" height="14" rx="2"/>',
               '<path d="M20 50V57M44 50V57"/>',
               'F<circle cx="22" cy="40" r="3"/>', 'F<circle cx="42" cy="40" r="3"/>'],
    # My probation officer: two people, one speaking.
    "probation_officer": [person(16, 30, bottom=58), person(48, 30, bottom=58),
                          '<path d="M24 6H42A3 3 0 0 1 45 9V15A3 3 0 0 1 42 18H31L26 22V18H24A3 3 0 0 1 21 15V9A3 3 0 0 1 24 6Z"/>'],
    # Reception: someone behind a counter.
    "reception": ['<circle cx="32" cy="14" r="6"/>', '<path d="M20 36A12 12 0 0 1 44 36"/>',
                  '<rect x="6" y="36" width="52" height="10" rx="2"/>', '<path d="M12 46V58M52 46V58"/>'],
    # Communication: two speech bubbles.
    "communication": ['<path d="M12 8H36A6 6 0 0 1 42 14V24A6 6 0 0 1 36 30H20L12 37V30A6 6 0 0 1 6 24V14A6 6 0 0 1 12 8Z"/>',
                      '<path d="M30 36A6 6 0 0 1 36 30H52A6 6 0 0 1 58 36V46A6 6 0 0 1 52 52V58L45 52H36A6 6 0 0 1 30 46Z"/>'],
    # Being told where to get help: a signpost.
    "signposting": ['<path d="M32 8V58M22 58H42"/>',
                    '<path d="M32 14H50L56 20L50 26H32Z"/>', '<path d="M32 32H14L8 38L14 44H32Z"/>'],
    # Mental health: a head with a heart in it.
    "mental_health": ['<path d="M22 58V47A20 20 0 1 1 50 29L55 39H50V46A4 4 0 0 1 46 50H40V58"/>',
                      '<path d="M31 36C23 30 23 21 28 21C30 21 31 23 31 24C31 23 32 21 34 21C39 21 39 30 31 36Z"/>'],
    # Housing: a house with a door.
    "housing": ['<path d="M8 30L32 9L56 30"/>', '<path d="M15 25V55H49V25"/>', '<rect x="27" y="38" width="10" height="17" rx="1"/>'],
    # Help with drugs or alcohol: a bottle and a capsule.
    "substance_misuse": ['<path d="M17 8H25V18L29 24V56H13V24L17 18Z"/>', '<path d="M13 36H29"/>',
                         '<g transform="rotate(-40 46 36)"><rect x="34" y="30" width="24" height="12" rx="6"/><path d="M46 30V42"/></g>'],
    # Education, training and work: an open book.
    "ete": ['<path d="M6 16Q19 11 32 18Q45 11 58 16V50Q45 45 32 52Q19 45 6 50Z"/>', '<path d="M32 18V52"/>'],
    # Programmes and groups: three people together.
    "programmes": [person(14, 26, r=5, shoulders=9, bottom=56), person(32, 18, r=6, shoulders=11, bottom=56),
                   person(50, 26, r=5, shoulders=9, bottom=56)],
    # Nothing can be improved: all is well, a tick in a ring.
    "nothing_to_improve": ['<circle cx="32" cy="32" r="25"/>', '<path d="M20 33L28 41L45 23"/>'],
    # Nothing has been good: an empty ring, crossed through.
    "no_positives": ['<circle cx="32" cy="32" r="20"/>', '<path d="M14 50L50 14"/>'],
    # Something else: three dots, "and more".
    "other": ['F<circle cx="14" cy="32" r="5"/>', 'F<circle cx="32" cy="32" r="5"/>', 'F<circle cx="50" cy="32" r="5"/>'],
    # Prefer not to say: a face with its mouth zipped shut.
    "prefer_not_to_say": ['<circle cx="32" cy="32" r="25"/>', 'F<circle cx="23" cy="25" r="3"/>', 'F<circle cx="41" cy="25" r="3"/>',
                          '<path d="M19 41H45M23 37V45M29 37V45M35 37V45M41 37V45"/>'],
    # Yes and No: a tick and a cross.
    "yes": ['<path d="M12 34L26 48L52 18"/>'],
    "no": ['<path d="M16 16L48 48M48 16L16 48"/>'],
    # How often: meetings (dots) in a month (a calendar).
    "weekly": dots_calendar([(22, 35), (42, 35), (22, 46), (42, 46)]),
    "fortnightly": dots_calendar([(22, 35), (42, 46)]),
    "monthly": dots_calendar([(32, 40)]),
    "every_two_months": mini_calendars(2, 2),
    "every_three_months": mini_calendars(3, 2),
    "less_often": mini_calendars(4, 2),
    # Face to face: two people at one table.
    "face_to_face": [person(18, 16, bottom=44), person(46, 16, bottom=44), '<path d="M6 44H58M14 44V58M50 44V58"/>'],
    # Remotely: someone on a screen.
    "remote": ['<rect x="8" y="8" width="48" height="34" rx="3"/>', '<path d="M24 56H40M32 42V56"/>',
               '<circle cx="32" cy="20" r="5"/>', '<path d="M22 42A10 10 0 0 1 42 42"/>'],
    # A mix of both: a person, and a person on a screen.
    "mix": [person(16, 22, r=6, shoulders=10, bottom=54),
            '<rect x="32" y="14" width="28" height="24" rx="3"/>', '<path d="M40 50H52M46 38V50"/>',
            '<circle cx="46" cy="23" r="4"/>', '<path d="M39 38A7 7 0 0 1 53 38"/>'],
    # Age: six steps up, the band solid (no numbers: the words say them).
    "age_18_24": steps(6, 0), "age_25_34": steps(6, 1), "age_35_44": steps(6, 2),
    "age_45_54": steps(6, 3), "age_55_64": steps(6, 4), "age_65_plus": steps(6, 5),
    # Gender: the usual signs.
    "man": ['<circle cx="27" cy="37" r="15"/>', '<path d="M38 26L54 10M42 10H54V22"/>'],
    "woman": ['<circle cx="32" cy="24" r="15"/>', '<path d="M32 39V58M24 50H40"/>'],
    # Ethnic groups: one plain outline for each named group, since any
    # picture telling them apart would lean on skin colour or a
    # stereotype; the words tell them apart.
    "person": [person(32, 18, r=9, shoulders=18, bottom=58)],
    # Mixed or more than one group: two rings overlapping.
    "mixed": ['<circle cx="24" cy="32" r="16"/>', '<circle cx="40" cy="32" r="16"/>'],
    # Community order: houses side by side, a neighbourhood.
    "community_order": ['<path d="M4 34L17 22L30 34M8 30V52H26V30"/>', '<path d="M34 34L47 22L60 34M38 30V52H56V30"/>',
                        '<path d="M4 56H60"/>', '<rect x="14" y="40" width="6" height="12"/>', '<rect x="44" y="40" width="6" height="12"/>'],
    # Suspended sentence: an hourglass, time held over.
    "suspended_sentence": ['<path d="M16 8H48M16 56H48"/>', '<path d="M20 8C20 24 44 26 44 32C44 38 20 40 20 56"/>',
                           '<path d="M44 8C44 24 20 26 20 32C20 38 44 40 44 56"/>', 'F<path d="M26 52L32 44L38 52Z"/>'],
    # Licence (after prison): an open door and a step out of it.
    "licence": ['<path d="M10 56V8H34V56"/>', '<path d="M10 8L24 14V60L10 56"/>', '<path d="M38 32H58M50 24L58 32L50 40"/>'],
    # Supervision after the licence: a checklist.
    "post_sentence_supervision": ['<rect x="12" y="10" width="40" height="48" rx="4"/>', '<path d="M24 6H40V14H24Z"/>',
                                  '<path d="M20 28L24 32L30 24M36 28H44M20 44L24 48L30 40M36 44H44"/>'],
    # Not sure: a question mark.
    "not_sure": ['<path d="M22 22A10 10 0 1 1 36 31C33 33 32 35 32 39V42"/>', 'F<circle cx="32" cy="52" r="3.5"/>'],
    # Time on probation: a clock filling up.
    "time_less_than_6_months": clock_part(1), "time_6_to_12_months": clock_part(2),
    "time_1_to_2_years": clock_part(3), "time_more_than_2_years": clock_part(4),
}


def svg(elements, colour, width):
    body = []
    for element in elements:
        if element.startswith("F"):
            body.append(f'  <g fill="{colour}" stroke="none">{element[1:]}</g>')
        else:
            body.append(f'  {element}')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">\n'
            f' <g fill="none" stroke="{colour}" stroke-width="{width}" stroke-linecap="round" stroke-linejoin="round">\n'
            + "\n".join(body) + '\n </g>\n</svg>\n')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, elements in PICTURES.items():
        for suffix, (colour, width) in LOOKS.items():
            with open(os.path.join(here, name + suffix + ".svg"), "w", encoding="utf-8") as f:
                f.write(svg(elements, colour, width))


if __name__ == "__main__":
    main()
