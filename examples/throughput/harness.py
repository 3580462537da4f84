"""
The benchmark harness (readonly): makes a seeded batch of log lines, checks that parser.summarise
gives the right answer, then calls it for MEASURE_SECONDS of the process's CPU time and prints the
lines parsed per second of CPU time (steadier than wall-clock time on a shared machine).

Prints "ops_per_sec: ..." (higher is better). The number still moves from run to run by a few
percent (caches, frequency, neighbours); Helix's statistical judge measures candidate and
incumbent side by side until it is sure.
"""
import random
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the repository
import parser  # noqa: E402

LINES = 2000
MEASURE_SECONDS = 0.5
LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"]


def make_lines(seed=2024):
    rnd = random.Random(seed)
    lines = []
    for i in range(LINES):
        lines.append(f"ts={1700000000 + i} level={rnd.choice(LEVELS)} user={rnd.randrange(1000)} "
                     f"path=/api/v{rnd.randrange(1, 4)}/items/{rnd.randrange(10000)} latency_ms={rnd.uniform(0.1, 900):.3f}")
    return lines


def reference(lines):
    totals = {}
    for line in lines:
        fields = dict(f.split("=", 1) for f in line.split(" "))
        level = fields["level"]
        count, total = totals.get(level, (0, 0.0))
        totals[level] = (count + 1, total + float(fields["latency_ms"]))
    return totals


def main():
    lines = make_lines()
    expected = reference(lines)
    got = parser.summarise(lines)
    if set(got) != set(expected) or any(got[k][0] != expected[k][0] or abs(got[k][1] - expected[k][1]) > 1e-6 * expected[k][1]
                                        for k in expected):
        print(f"wrong answer: {got} != {expected}")
        sys.exit(1)
    calls = 0
    started = time.process_time()
    while (elapsed := time.process_time() - started) < MEASURE_SECONDS:
        parser.summarise(lines)
        calls += 1
    print(f"calls: {calls}")
    print(f"ops_per_sec: {calls * LINES / elapsed:.0f}")


if __name__ == "__main__":
    main()
