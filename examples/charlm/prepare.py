"""
Data, budget and evaluation for the character-level language model (readonly: Helix hash-checks it).

The layout of karpathy/autoresearch: this file fixes the task (the text, the split, the time budget,
the metric); train.py is the one file an experiment may change. Nothing is downloaded: the text is
corpus.txt, which ships with the example.
"""
import math
import os
import resource

import numpy as np

TIME_BUDGET = float(os.environ.get("CHARLM_TIME_BUDGET", "20"))  # seconds of training, wall clock
VAL_FRACTION = 0.1
VAL_CHARS = 20_000  # the evaluation scores the first VAL_CHARS characters of the validation split

_HERE = os.path.dirname(os.path.abspath(__file__))


def load():
    """Returns (train ids, validation ids, vocabulary size): ids are uint8 indexes into the sorted characters."""
    with open(os.path.join(_HERE, "corpus.txt"), encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = np.fromiter((index[c] for c in text), dtype=np.uint8, count=len(text))
    split = int(len(ids) * (1 - VAL_FRACTION))
    return ids[:split], ids[split:], len(chars)


def evaluate_bpb(logprobs, context, val, vocab):
    """
    Bits per character on the validation split: logprobs(windows) takes an int array (N, context) of
    the characters before each position and returns log-probabilities (N, vocab). Each row must be a
    distribution (log-sum-exp 0), so a model cannot score itself by returning large numbers.
    """
    val = val[: VAL_CHARS + context]
    targets = val[context:]
    windows = np.lib.stride_tricks.sliding_window_view(val[:-1], context)[: len(targets)]
    total = 0.0
    for start in range(0, len(targets), 4096):
        lp = np.asarray(logprobs(windows[start:start + 4096]), dtype=np.float64)
        if lp.shape != (min(4096, len(targets) - start), vocab):
            raise ValueError(f"logprobs returned shape {lp.shape}")
        norm = np.log(np.exp(lp).sum(axis=1))
        if not np.allclose(norm, 0.0, atol=1e-4):
            raise ValueError("logprobs rows are not normalised distributions")
        total -= lp[np.arange(lp.shape[0]), targets[start:start + 4096]].sum()
    return total / len(targets) / math.log(2)


def peak_mem_mb():
    """The process's peak resident memory in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
