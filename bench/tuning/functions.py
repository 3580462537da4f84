"""The benchmark's test functions, both minimised: Rosenbrock-2D on [-2,2]^2 and Hartmann-6 on [0,1]^6."""
import math


def rosenbrock(x):
    return 100.0 * (x[1] - x[0] ** 2) ** 2 + (1.0 - x[0]) ** 2


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))) for i in range(4))


# name: (function, dimensions, low, high); the minima are 0 at (1, 1) and -3.32237
FUNCTIONS = {"rosenbrock2": (rosenbrock, 2, -2.0, 2.0), "hartmann6": (hartmann6, 6, 0.0, 1.0)}
