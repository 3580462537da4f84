"""
A scripted stand-in for a coding agent, so that `helix demo agent` and the tests run offline.

Helix's `command` backend runs it in the experiment's worktree with a JSON request on stdin; it
rewrites similar.py one step further along the path a coding agent took on this task and prints
a JSON reply naming the change. It does not read the request: a real agent (claude, codex)
reads program.md and the ledger and decides for itself.
"""
import json
import re
import sys

STEPS = [
    ("Compute each document's shingle set once instead of once per pair",
     "the baseline rebuilds both sets for every one of the n^2/2 pairs; building n sets once "
     "leaves only the intersections",
     '''
def find_similar_pairs(docs, threshold):
    """Returns the list of (i, j), i < j, of documents at least `threshold` similar."""
    sets = [shingles(d) for d in docs]
    pairs = []
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            if jaccard(sets[i], sets[j]) >= threshold:
                pairs.append((i, j))
    return pairs
'''),
    ("Find candidate pairs through an inverted index of shingles",
     "most pairs share no shingle at all; counting shared shingles per pair through an index "
     "touches only pairs that share one, and |a|+|b|-shared gives the union without building it",
     '''
def find_similar_pairs(docs, threshold):
    """Returns the list of (i, j), i < j, of documents at least `threshold` similar."""
    sets = [shingles(d) for d in docs]
    index = {}
    for i, s in enumerate(sets):
        for sh in s:
            index.setdefault(sh, []).append(i)
    shared = {}
    for ids in index.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                key = (ids[x], ids[y])
                shared[key] = shared.get(key, 0) + 1
    pairs = []
    for (i, j), n in shared.items():
        if n / (len(sets[i]) + len(sets[j]) - n) >= threshold:
            pairs.append((i, j))
    return pairs
'''),
    ("Use collections.Counter over the candidate pairs",
     "a C-implemented counter may count the shared shingles faster than a dict in a Python loop",
     '''
def find_similar_pairs(docs, threshold):
    """Returns the list of (i, j), i < j, of documents at least `threshold` similar."""
    from collections import Counter
    from itertools import combinations
    sets = [shingles(d) for d in docs]
    index = {}
    for i, s in enumerate(sets):
        for sh in s:
            index.setdefault(sh, []).append(i)
    shared = Counter(p for ids in index.values() for p in combinations(ids, 2))
    return [(i, j) for (i, j), n in shared.items() if n / (len(sets[i]) + len(sets[j]) - n) >= threshold]
'''),
]

MARK = re.compile(r"^# stand-in step: (\d+)$", re.M)


def main():
    sys.stdin.read()
    with open("similar.py", encoding="utf-8") as f:
        source = f.read()
    found = MARK.search(source)
    done = int(found.group(1)) if found else 0
    if done >= len(STEPS):
        print(json.dumps({"description": "No further step scripted", "hypothesis": "nothing changed"}))
        return
    description, hypothesis, body = STEPS[done]
    head = source[:source.index("def find_similar_pairs")]
    head = MARK.sub("", head).rstrip("\n") + "\n"
    with open("similar.py", "w", encoding="utf-8") as f:
        f.write(head + f"\n# stand-in step: {done + 1}\n" + body)
    print(json.dumps({"description": description, "hypothesis": hypothesis}))


if __name__ == "__main__":
    main()
