#!/usr/bin/env python3
"""Writes realistic mutations of HL7 v2 messages: what hospital systems really send
(padded and empty values, odd times, codes nobody knows, text-only codes, moved, repeated
and missing segments, Vietnamese names, Z segments, escape sequences). Deterministic for a seed.
Used by tools/mutated_corpus_check.sh; not part of the engine.
Usage: mutate_hl7.py SEED N OUTDIR FILE...   writes N mutated messages per input file
(the first message of each; files that are not UTF-8 HL7 are skipped)."""
import os, random, sys

seed, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
files = sys.argv[4:]
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)

VN = ["Nguyễn Văn Ân", "TRẦN THỊ BÍCH", "Lê", "Phạm Đức", "Hồ Chí Minh", "Đặng"]
TS = ["2024", "202403", "20240315", "2024031510", "202403151015", "20240315101530",
      "20240315101530.123", "20240315101530.1234+0700", "20240315+0700", "202403151015-0500",
      "20241301", "20240230", "2024031525", "abc", "0", "19000101", "20240315 1015", "2024-03-15"]
ODD = ["", "\"\"", "<5", ">=10", "1,5", "5.", ".5", "-0", "1e3", "abc", "  12  ", "1:2", "^", "~",
       "\\F\\", "\\S\\", "\\T\\", "\\R\\", "\\E\\", "\\X0D\\", "\\.br\\", "\\H\\bold\\N\\", "&&&", "^^^^",
       "x" * 300, "Ω", "0000000000", "-", "N/A", "unknown"]
VT = ["NM", "ST", "TX", "FT", "CE", "CWE", "SN", "DT", "TS", "DTM", "ED", "RP", "NA", "XX", "", "TM", "ID",
      "CNE", "XPN", "XAD", "CX", "HD", "IS", "NR", "MO", "CP"]


def segs(text):
    return [s for s in text.replace("\r\n", "\r").replace("\n", "\r").split("\r") if s]


def mutate(lines):
    k = rng.randrange(18)
    i = rng.randrange(len(lines))
    seg = lines[i]
    fs = seg.split("|")
    if k == 0 and i > 0:  # drop a segment
        del lines[i]
    elif k == 1 and i > 0:  # duplicate a segment
        lines.insert(i, seg)
    elif k == 2 and len(fs) > 2:  # empty a field
        j = rng.randrange(2 if fs[0] == "MSH" else 1, len(fs))
        if not (fs[0] == "MSH" and j in (1, 8, 9)):
            fs[j] = rng.choice(["", "\"\""])
    elif k == 3 and len(fs) > 2:  # odd value in a field or a component
        j = rng.randrange(3 if fs[0] == "MSH" else 1, len(fs))
        if not (fs[0] == "MSH" and j in (8, 9)):
            comps = fs[j].split("^")
            c = rng.randrange(len(comps))
            comps[c] = rng.choice(ODD + VN + TS)
            fs[j] = "^".join(comps)
    elif k == 4:  # a time of another precision
        for j in range(1, len(fs)):
            if len(fs[j]) >= 8 and fs[j][:8].isdigit() and rng.random() < 0.7:
                fs[j] = rng.choice(TS)
    elif k == 5 and fs[0] == "OBX" and len(fs) > 5:  # value type against value
        if rng.random() < 0.5:
            fs[2] = rng.choice(VT)
        else:
            fs[5] = rng.choice(ODD + TS + ["12.5", "60~120", "^>^5", "<^5", "1^:^2", "A^Text^L", "2^-^5"])
    elif k == 6 and len(fs) > 2:  # add repetitions
        j = rng.randrange(3 if fs[0] == "MSH" else 1, len(fs))
        if not (fs[0] == "MSH" and j in (8, 9)):
            fs[j] = fs[j] + "~" + rng.choice([fs[j], "", "X^Y^Z", "\"\""])
    elif k == 7 and fs[0] in ("PID", "NK1", "IN1", "GT1") and len(fs) > 5:
        target = 5 if fs[0] == "PID" else 2
        fs[target] = rng.choice(VN) + rng.choice(["", "^Thị^B", "^^", "~" + rng.choice(VN)])
    elif k == 8:  # Z segment
        lines.insert(rng.randrange(1, len(lines) + 1), "ZXX|1|" + rng.choice(ODD))
    elif k == 9 and fs[0] == "PID" and len(fs) > 3:  # identifiers
        fs[3] = rng.choice(["123", "123^^^BHYT^HC", "DN4797912345678^^^BHYT^HC", "001085012345^^^CCCD^NNVNM",
                            "0123456789^^^BHXH^SS", "^^^", "~", "12\\F\\3^^^A&1.2.3&ISO^MR", "\"\""]) + \
                 rng.choice(["", "~" + fs[3]])
    elif k == 10 and len(fs) > 2:  # truncate a segment
        fs = fs[:rng.randrange(1, len(fs))] if fs[0] != "MSH" else fs
    elif k == 11 and fs[0] in ("PV1", "PV2", "ORC", "OBR") and len(fs) > 3:  # codes nobody knows
        j = rng.randrange(1, len(fs))
        fs[j] = rng.choice(["ZZ", "Q^Queue^L", "9", "\"\"", "I~O"])
    elif k == 12 and fs[0] in ("AL1", "DG1", "OBR", "OBX", "RXA", "PR1") and len(fs) > 3:
        fs[3] = rng.choice(["", "^^", "CODE", "CODE^Text", "^Text only", "C^T^SYS^C2^T2^SYS2", "&&&"])
    elif k == 13 and i > 0:  # move a segment
        s = lines.pop(i)
        lines.insert(rng.randrange(1, len(lines) + 1), s)
    elif k == 14 and len(fs) > 2:  # extra trailing fields/components
        fs.append(rng.choice(["", "X", "^^^", "a^b&c"]))
    elif k == 15 and fs[0] == "MSH" and len(fs) > 17:
        j = rng.choice([11, 12, 15, 16, 17])
        fs[j] = rng.choice(["", "2.9", "3.0", "2.3", "2.5.1", "AL", "NE", "VN", "VNM", "XYZ", "P^T", "D"])
    elif k == 16 and len(fs) > 2:  # blanks around a component (fixed-width HIS exports)
        j = rng.randrange(3 if fs[0] == "MSH" else 1, len(fs))
        if not (fs[0] == "MSH" and j in (8, 9)) and fs[j]:
            comps = fs[j].split("^")
            c = rng.randrange(len(comps))
            comps[c] = rng.choice([" ", "", "  "]) + comps[c] + rng.choice([" ", "  ", "\t"])
            fs[j] = "^".join(comps)
    elif k == 17 and fs[0] == "MSH" and len(fs) > 9:
        parts = fs[8].split("^")
        fs[8] = rng.choice(["^".join(parts[:2]), "^".join(parts[:1]), fs[8].lower(), fs[8] + "^X", parts[0] + "^" + rng.choice(["A01", "A04", "A08", "A31", "R01", "O01", "A99", ""])])
    lines[i:i + 1] = ["|".join(fs)] if 0 <= i < len(lines) and lines[i] == seg else lines[i:i + 1]
    return lines


count = 0
for f in files:
    raw = open(f, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        continue
    if not text.startswith("MSH"):
        continue
    base = segs(text)
    # only the first message of a file
    if sum(1 for s in base if s.startswith("MSH")) > 1:
        cut = [j for j, s in enumerate(base) if s.startswith("MSH")][1]
        base = base[:cut]
    for m in range(n):
        lines = list(base)
        for _ in range(rng.randrange(1, 5)):
            if not lines:
                break
            lines = mutate(lines)
        name = os.path.join(out, "%s_%d.hl7" % (os.path.basename(f).replace(".", "_"), m))
        with open(name, "w", encoding="utf-8") as o:
            o.write("\r".join(lines) + "\r")
        count += 1
print(count, "messages")
