"""
A scripted stand-in for a coding agent, so that this example runs offline.

Helix's `command` backend runs it in the experiment's worktree with a JSON request on stdin; it
makes the change scripted for that experiment number in model.py and prints a JSON reply naming
it. It does not read program.md or the results: a real agent decides for itself. The script is
the path such an agent could take here, mistakes included: a change that a later one makes
pointless, one that breaks the tests (it reads the validation data), and one tuned to the
validation data that held-out data does not bear out.
"""
import json
import sys

STEPS = [
    ("Add a tanh term",
     "the residuals of a straight line flatten out at both ends; a saturating term may follow them",
     "    # shape\n", "    math.tanh,\n"),
    ("Add a sine term",
     "the residuals look periodic with a period near 2*pi",
     "    # periodic\n", "    math.sin,\n"),
    ("Snap to the nearest known point",
     "where a known point lies very close to x, its y is a better guess than the curve",
     "    return predict\n",
     "    known = load_known()\n\n"
     "    def snapped(x):\n"
     "        near = [y for kx, y in known if abs(kx - x) < 0.05]\n"
     "        return near[0] if near else predict(x)\n\n"
     "    return snapped\n\n\n"
     "def load_known():\n"
     "    import csv\n"
     "    with open(\"data/val.csv\") as f:\n"
     "        return [(float(r[\"x\"]), float(r[\"y\"])) for r in csv.DictReader(f)]\n"),
    ("Add a sin(5.4x) term",
     "the validation residuals ripple about 5.4 times per radian",
     "    # detail\n", "    lambda x: math.sin(5.4 * x),\n"),
]


def main():
    request = json.load(sys.stdin)
    step = int(request.get("experiment", 1)) - 1
    if step >= len(STEPS):
        print(json.dumps({"done": True, "reason": "every scripted change has been tried"}))
        return
    description, hypothesis, anchor, text = STEPS[step]
    with open("model.py", encoding="utf-8") as f:
        source = f.read()
    if step == 2:
        source = source.replace(anchor, text, 1)
    else:
        source = source.replace(anchor, anchor + text, 1)
    with open("model.py", "w", encoding="utf-8") as f:
        f.write(source)
    print(json.dumps({"description": description, "hypothesis": hypothesis}))


if __name__ == "__main__":
    main()
