"""
The benchmark harness (readonly): a seeded set of short documents, some of them near-copies of
others; times similar.find_similar_pairs on them in the process's CPU time (steadier than wall-clock
time on a shared machine) and checks its answer against a known digest.

Prints "ms_per_call: ..." (lower is better) and "pairs: ..." for Helix.
"""
import hashlib
import random
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the repository
import similar  # noqa: E402

DOCS = 200
WORDS = 40
COPIES = 30
THRESHOLD = 0.5
MEASURE_SECONDS = 0.5
# sha256 of the sorted pairs, one "i j" a line: the right answer
EXPECTED = "cc069a74fb890dea38efc06c50efdfe5b0f352763fc14043b23c8a3cbad3ceb5"


def make_docs(seed=7):
    rnd = random.Random(seed)
    vocab = [f"w{i}" for i in range(300)]
    docs = [" ".join(rnd.choice(vocab) for _ in range(WORDS)) for _ in range(DOCS - COPIES)]
    for _ in range(COPIES):
        words = rnd.choice(docs).split()
        for _ in range(rnd.randint(1, 6)):
            words[rnd.randrange(WORDS)] = rnd.choice(vocab)
        docs.insert(rnd.randrange(len(docs) + 1), " ".join(words))
    return docs


def main():
    docs = make_docs()
    calls, pairs = 0, None
    started = time.process_time()
    while (elapsed := time.process_time() - started) < MEASURE_SECONDS or calls == 0:
        pairs = similar.find_similar_pairs(docs, THRESHOLD)
        calls += 1
    digest = hashlib.sha256("".join(f"{i} {j}\n" for i, j in sorted(pairs)).encode()).hexdigest()
    if digest != EXPECTED:
        print(f"wrong answer: {len(pairs)} pairs, digest {digest}")
        sys.exit(1)
    print(f"pairs: {len(pairs)}")
    print(f"calls: {calls}")
    print(f"ms_per_call: {elapsed * 1000 / calls:.2f}")


if __name__ == "__main__":
    main()
