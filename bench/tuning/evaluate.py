"""A benchmark session's evaluation: reads params.txt, prints the function's value as 'loss: <value>'."""
import re
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from functions import FUNCTIONS  # noqa: E402

f, dims, _, _ = FUNCTIONS[sys.argv[2]]
text = Path("params.txt").read_text()
x = [float(re.search(rf"^x{i} = (\S+)$", text, re.M).group(1)) for i in range(dims)]
print(f"loss: {f(x):.9g}")
