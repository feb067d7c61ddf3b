"""Peer timing: python-hl7 (Debian python3-hl7). Parses one message and reads
the ten fields of bench/hl7v2_parse_bench.cc (plus OBX[*]-5 when present) in a
loop for about `seconds`, then prints "<msgs/s>"."""
import sys
import time

import hl7

FIELDS = ["MSH.F9.R1.C1", "MSH.F9.R1.C2", "MSH.F10", "PID.F3.R1.C1", "PID.F5.R1.C1",
          "PID.F5.R1.C2", "PID.F7", "PID.F8", "PV1.F2", "PV1.F3.R1.C1"]


def one(text, with_obx):
    m = hl7.parse(text)
    n = 0
    for key in FIELDS:
        n += len(m[key])
    if with_obx:
        for obx in m.segments("OBX"):
            n += len(str(obx(5)))
    return n


def main():
    path, seconds = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    with open(path, encoding="utf-8", newline="") as f:  # keep the CR terminators
        text = f.read()
    with_obx = "\rOBX|" in text
    one(text, with_obx)  # warm-up
    count, start = 0, time.perf_counter()
    while True:
        for _ in range(50):
            one(text, with_obx)
        count += 50
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    print(f"{count / elapsed:.0f}")


if __name__ == "__main__":
    main()
