#!/usr/bin/env python3
"""Cut the font the app ships (WenQuanYiMicroHei-FieldOps.ttf) from WenQuanYi Micro Hei
(Apache-2.0; itself Droid Sans Fallback, Droid Sans and Droid Sans Mono, by Google).

Kept: Latin (ASCII, Latin-1), general punctuation, letterlike symbols, arrows, enclosed
numbers, shapes, CJK symbols and punctuation, full-width forms, every character of GB2312
(symbols included) and the whole CJK Unified Ideographs block (U+4E00..U+9FFF), so names
with rare characters print too. Outlines are TrueType, which the PDF writer subsets again
per report.

Run with fontTools (`pip install fonttools`) on a Debian/Ubuntu machine with
fonts-wqy-microhei installed:  python3 subset.py
"""
import subprocess
import sys
import tempfile

SOURCE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
OUTPUT = "WenQuanYiMicroHei-FieldOps.ttf"

ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x214F), (0x2190, 0x21FF),
          (0x2460, 0x24FF), (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF),
          (0x4E00, 0x9FFF)]
chars = {c for lo, hi in ranges for c in range(lo, hi + 1)}
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(ord(bytes([b1, b2]).decode("gb2312")))
        except UnicodeDecodeError:
            pass

with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
    listing.write(",".join("U+%04X" % c for c in sorted(chars)))
    listing.flush()
    sys.exit(subprocess.call([
        sys.executable, "-m", "fontTools.subset", SOURCE, "--unicodes-file=" + listing.name,
        "--output-file=" + OUTPUT, "--font-number=0", "--no-hinting", "--name-IDs=*", "--name-legacy",
    ]))
