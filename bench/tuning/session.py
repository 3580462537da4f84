"""One benchmark function as a real Helix session: a git repository with an editable params.txt, an
evaluation script and helix.yaml for the tune backend; runs `helix run` and prints the best as a JSON line.

usage: session.py HELIX FUNCTION SEED EXPERIMENTS DIR
The start point is drawn uniformly from the seed, so it is a random first point like the others'.
"""
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

from functions import FUNCTIONS

helix, name, seed, experiments, root = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
f, dims, low, high = FUNCTIONS[name]
here = Path(__file__).resolve().parent
repo = root / f"{name}-{seed}"
shutil.rmtree(repo, ignore_errors=True)
repo.mkdir(parents=True)
rnd = random.Random(seed)
(repo / "params.txt").write_text("".join(f"x{i} = {low + (high - low) * rnd.random():.4f}\n" for i in range(dims)))
(repo / "evaluate.sh").write_text(f"exec python3 '{here / 'evaluate.py'}' '{here}' {name}\n")
params = "".join(f"    x{i}: {{file: params.txt, pattern: '^x{i} = (\\S+)$', type: float, range: [{low}, {high}]}}\n"
                 for i in range(dims))
(repo / "helix.yaml").write_text(f"""name: {name}
domain: benchmark
description: Minimise {name} with the built-in tuner.
scope:
  editable: [params.txt]
metrics:
  primary: {{name: loss, optimize: minimize}}
evaluate:
  command: sh evaluate.sh
  timeout_seconds: 60
  repeats: 1
agent:
  backend: tune
search:
  seed: {seed}
  parameters:
{params}""")


def git(*args):
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args], cwd=repo,
                   check=True, stdout=subprocess.DEVNULL)


git("init", "-q")
git("add", "-A")
git("commit", "-q", "-m", "benchmark project")
# the baseline is the first of the evaluations: experiments - 1 proposals follow it
run = subprocess.run([helix, "run", "--tag", "bench", "--max-experiments", str(experiments - 1)], cwd=repo,
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if run.returncode != 0:
    sys.exit(f"helix run failed in {repo}: {run.stderr[-2000:]}")
records = [json.loads(line) for line in (repo / ".helix" / "experiments.jsonl").read_text().splitlines() if line]
values = [r["primary"] for r in records if r.get("primary") is not None]
print(json.dumps({"function": name, "seed": seed, "tuner": "helix", "mode": "helix run",
                  "best": min(values), "evaluations": len(values)}),
      flush=True)
