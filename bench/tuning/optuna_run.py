"""Optuna's TPESampler and RandomSampler on the benchmark's functions: best value after N trials per seed, as JSON lines."""
import json
import sys

import optuna

from functions import FUNCTIONS

optuna.logging.set_verbosity(optuna.logging.WARNING)


def best_after(name, sampler, trials):
    f, dims, low, high = FUNCTIONS[name]
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(lambda t: f([t.suggest_float(f"x{i}", low, high) for i in range(dims)]), n_trials=trials)
    return study.best_value


def main():
    trials, seeds = int(sys.argv[1]), int(sys.argv[2])
    for name in FUNCTIONS:
        for seed in range(seeds):
            for label, sampler in (("optuna-tpe", optuna.samplers.TPESampler(seed=seed)),
                                   ("optuna-random", optuna.samplers.RandomSampler(seed=seed))):
                print(json.dumps({"function": name, "seed": seed, "tuner": label,
                                  "best": best_after(name, sampler, trials)}), flush=True)


if __name__ == "__main__":
    main()
