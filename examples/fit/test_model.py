"""The checks a kept change must pass: the model stays a sane function of x."""
import math
import unittest

import model


class ModelTest(unittest.TestCase):
    def setUp(self):
        self.xs = [i / 4.0 - 5.0 for i in range(41)]
        self.ys = [0.5 * x + 1.0 for x in self.xs]

    def test_recovers_a_straight_line_everywhere(self):
        predict = model.fit(self.xs, self.ys)
        for i in range(-600, 601):
            x = i / 100.0
            self.assertAlmostEqual(predict(x), 0.5 * x + 1.0, places=3, msg=f"at x = {x}")

    def test_stays_bounded_just_outside_the_training_range(self):
        predict = model.fit(self.xs, [math.sin(x) for x in self.xs])
        for x in (-7.0, 7.0):
            self.assertLess(abs(predict(x)), 5.0)

    def test_is_deterministic(self):
        a = model.fit(self.xs, self.ys)
        b = model.fit(self.xs, self.ys)
        self.assertEqual(a(1.25), b(1.25))


if __name__ == "__main__":
    unittest.main()
