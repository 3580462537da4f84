"""Writes the example's data: the train and validation splits here, the held-out test split where
the proposer cannot see it.

    python3 prepare.py                               # data/train.csv, data/val.csv
    python3 prepare.py --hidden-ref refs/hidden/fit  # and the test split, as data/test/test.csv in
                                                     # a commit of that ref (no branch holds it)
    python3 prepare.py --hidden-dir ../fit-heldout   # or as ../fit-heldout/data/test/test.csv
"""
import math
import os
import random
import subprocess
import sys


def sample(rng, n):
    rows = []
    for _ in range(n):
        x = rng.uniform(-6.0, 6.0)
        rows.append((x, math.sin(x) + 0.3 * x + rng.gauss(0.0, 0.3)))
    return rows


def text(rows):
    return "x,y\n" + "".join(f"{x:.6f},{y:.6f}\n" for x, y in rows)


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text(rows))


def git(*args, data=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="prepare.py", GIT_AUTHOR_EMAIL="prepare@example.invalid",
               GIT_COMMITTER_NAME="prepare.py", GIT_COMMITTER_EMAIL="prepare@example.invalid")
    return subprocess.run(["git", *args], input=data, capture_output=True, text=True, check=True, env=env).stdout.strip()


def store_in_ref(ref, rows):
    """data/test/test.csv in a commit of its own that only `ref` points at."""
    blob = git("hash-object", "-w", "--stdin", data=text(rows))
    tree = git("mktree", data=f"100644 blob {blob}\ttest.csv\n")
    tree = git("mktree", data=f"040000 tree {tree}\ttest\n")
    tree = git("mktree", data=f"040000 tree {tree}\tdata\n")
    git("update-ref", ref, git("commit-tree", tree, "-m", "The held-out split"))


rng = random.Random(7)
write("data/train.csv", sample(rng, 80))
write("data/val.csv", sample(rng, 40))
test = sample(rng, 200)
if "--hidden-ref" in sys.argv:
    store_in_ref(sys.argv[sys.argv.index("--hidden-ref") + 1], test)
if "--hidden-dir" in sys.argv:
    write(os.path.join(sys.argv[sys.argv.index("--hidden-dir") + 1], "data", "test", "test.csv"), test)
