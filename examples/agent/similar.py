"""
Near-duplicate detection: every pair of documents whose sets of word 3-grams ("shingles") have a
Jaccard similarity of at least the threshold.

This is the file an experiment changes; harness.py checks the answer and times it.
"""


def shingles(doc):
    words = doc.split()
    return set(" ".join(words[k:k + 3]) for k in range(len(words) - 2))


def jaccard(a, b):
    return len(a & b) / len(a | b)


def find_similar_pairs(docs, threshold):
    """Returns the list of (i, j), i < j, of documents at least `threshold` similar."""
    pairs = []
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if jaccard(shingles(docs[i]), shingles(docs[j])) >= threshold:
                pairs.append((i, j))
    return pairs
