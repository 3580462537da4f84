"""
A character-level language model in plain numpy, trained on the CPU for a fixed time budget
(prepare.TIME_BUDGET seconds), then scored on the validation split in bits per character.

The model: the previous CONTEXT characters, each embedded in EMBED dimensions, concatenated, one tanh
hidden layer of HIDDEN units, a softmax over the characters (Bengio et al. 2003). Trained with Adam on
random minibatches. This is the file an experiment changes; prepare.py is fixed.

Prints "val_bpb: ..." (lower is better) and "peak_mem_mb: ..." for Helix.
"""
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ left in the repository
import prepare  # noqa: E402

# ---- tunable: Helix's tune backend rewrites these lines (helix.yaml, search.parameters) ----
LEARNING_RATE = 0.0003
CONTEXT = 3
EMBED = 8
HIDDEN = 32
BATCH_SIZE = 512
SEED = 1337


def init(vocab, rng):
    fan_in = CONTEXT * EMBED
    return {
        "emb": rng.normal(0, 1.0, (vocab, EMBED)),
        "w1": rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, HIDDEN)),
        "b1": np.zeros(HIDDEN),
        "w2": rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, vocab)) * 0.1,
        "b2": np.zeros(vocab),
    }


def forward(p, windows):
    x = p["emb"][windows].reshape(len(windows), -1)
    h = np.tanh(x @ p["w1"] + p["b1"])
    logits = h @ p["w2"] + p["b2"]
    return x, h, logits


def log_softmax(logits):
    z = logits - logits.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def step(p, windows, targets):
    """Returns the mean cross-entropy and the gradients of one minibatch."""
    x, h, logits = forward(p, windows)
    lp = log_softmax(logits)
    n = len(targets)
    loss = -lp[np.arange(n), targets].mean()
    d = np.exp(lp)
    d[np.arange(n), targets] -= 1
    d /= n
    g = {"w2": h.T @ d, "b2": d.sum(axis=0)}
    dh = (d @ p["w2"].T) * (1 - h * h)
    g["w1"] = x.T @ dh
    g["b1"] = dh.sum(axis=0)
    dx = (dh @ p["w1"].T).reshape(n, CONTEXT, EMBED)
    g["emb"] = np.zeros_like(p["emb"])
    np.add.at(g["emb"], windows, dx)
    return loss, g


def main():
    train, val, vocab = prepare.load()
    rng = np.random.default_rng(SEED)
    p = init(vocab, rng)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v2 = {k: np.zeros_like(v) for k, v in p.items()}
    b1, b2, eps = 0.9, 0.999, 1e-8
    print(f"vocab {vocab}, train {len(train)} chars, val {len(val)} chars; context {CONTEXT}, embed {EMBED}, "
          f"hidden {HIDDEN}, batch {BATCH_SIZE}, lr {LEARNING_RATE}; budget {prepare.TIME_BUDGET:g} s", flush=True)
    started = time.time()
    t = 0
    while time.time() - started < prepare.TIME_BUDGET:
        starts = rng.integers(0, len(train) - CONTEXT - 1, BATCH_SIZE)
        windows = train[starts[:, None] + np.arange(CONTEXT)]
        targets = train[starts + CONTEXT]
        loss, g = step(p, windows, targets)
        t += 1
        for k in p:
            m[k] = b1 * m[k] + (1 - b1) * g[k]
            v2[k] = b2 * v2[k] + (1 - b2) * g[k] * g[k]
            p[k] -= LEARNING_RATE * (m[k] / (1 - b1 ** t)) / (np.sqrt(v2[k] / (1 - b2 ** t)) + eps)
        if t % 200 == 0:
            print(f"step {t:6d}  train_loss {loss:.4f}  {time.time() - started:5.1f} s", flush=True)
    if not np.isfinite(loss):
        print("val_bpb: nan")
        return
    bpb = prepare.evaluate_bpb(lambda w: log_softmax(forward(p, w)[2]), CONTEXT, val, vocab)
    print(f"steps: {t}")
    print(f"val_bpb: {bpb:.4f}")
    print(f"peak_mem_mb: {prepare.peak_mem_mb():.1f}")
    print(f"train_seconds: {time.time() - started:.1f}")


if __name__ == "__main__":
    main()
