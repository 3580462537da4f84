"""Fits model.py on data/train.csv and prints its mean squared error on a split.

    python3 evaluate.py               # the validation split the proposer sees: data/val.csv
    python3 evaluate.py --split test  # the held-out split: data/test/test.csv (Helix copies it in)
"""
import csv
import sys

import model


def load(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return [float(r["x"]) for r in rows], [float(r["y"]) for r in rows]


split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "val"
xs, ys = load("data/train.csv")
predict = model.fit(xs, ys)
tx, ty = load("data/test/test.csv" if split == "test" else "data/val.csv")
mse = sum((predict(x) - y) ** 2 for x, y in zip(tx, ty)) / len(tx)
print(f"points: {len(tx)}")
print(f"mse: {mse:.6f}")
