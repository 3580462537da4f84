"""
Summarise web-server log lines: for each level, how many lines and their total latency.
Each line looks like "ts=1700000000 level=INFO user=42 path=/api/v1/items/7 latency_ms=17.250".

This is the file an experiment changes; harness.py checks the answer and times it.
"""
import re

# ---- tunable: Helix's tune backend rewrites this line (helix.yaml, search.parameters) ----
METHOD = "regex"

_FIELD = re.compile(r"(\w+)=(\S+)")
_LEVEL_LATENCY = re.compile(r"level=(\w+) .*?latency_ms=([0-9.]+)")


def summarise(lines):
    if METHOD == "regex":
        return _by_regex(lines)
    if METHOD == "split":
        return _by_split(lines)
    if METHOD == "partition":
        return _by_partition(lines)
    if METHOD == "bulk":
        return _bulk(lines)
    raise ValueError(f"unknown METHOD {METHOD!r}")


def _add(totals, level, latency):
    count, total = totals.get(level, (0, 0.0))
    totals[level] = (count + 1, total + latency)


def _by_regex(lines):
    """Every field through a regex, into a dict: general, and slow."""
    totals = {}
    for line in lines:
        fields = dict(_FIELD.findall(line))
        _add(totals, fields["level"], float(fields["latency_ms"]))
    return totals


def _by_split(lines):
    totals = {}
    for line in lines:
        fields = dict(f.split("=", 1) for f in line.split(" "))
        _add(totals, fields["level"], float(fields["latency_ms"]))
    return totals


def _by_partition(lines):
    """Only the two fields needed, found by position."""
    totals = {}
    for line in lines:
        rest = line.partition(" level=")[2]
        level, _, rest = rest.partition(" ")
        _add(totals, level, float(rest.rpartition("latency_ms=")[2]))
    return totals


def _bulk(lines):
    """One regex over the whole batch, then sums per level."""
    counts, sums = {}, {}
    for level, latency in _LEVEL_LATENCY.findall("\n".join(lines)):
        counts[level] = counts.get(level, 0) + 1
        sums[level] = sums.get(level, 0.0) + float(latency)
    return {k: (counts[k], sums[k]) for k in counts}
