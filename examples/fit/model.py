"""The model: least squares over a list of features of x. The proposer edits this file."""
import math

FEATURES = [
    lambda x: 1.0,  # intercept
    lambda x: x,  # slope
    # shape
    # periodic
    # detail
]


def fit(xs, ys):
    """Returns predict(x), fitted by least squares on the training points."""
    rows = [[f(x) for f in FEATURES] for x in xs]
    k = len(FEATURES)
    # normal equations, with a tiny ridge so that a redundant feature cannot make them singular
    a = [[sum(r[i] * r[j] for r in rows) + (1e-9 if i == j else 0.0) for j in range(k)] for i in range(k)]
    b = [sum(r[i] * y for r, y in zip(rows, ys)) for i in range(k)]
    w = solve(a, b)

    def predict(x):
        return sum(wi * f(x) for wi, f in zip(w, FEATURES))

    return predict


def solve(a, b):
    """Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [bi] for row, bi in zip(a, b)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(c + 1, n):
            t = m[r][c] / m[c][c]
            for j in range(c, n + 1):
                m[r][j] -= t * m[c][j]
    w = [0.0] * n
    for r in reversed(range(n)):
        w[r] = (m[r][n] - sum(m[r][j] * w[j] for j in range(r + 1, n))) / m[r][r]
    return w
