#!/usr/bin/env python3
"""Writes a synthetic ledger of N records (default 1,000,000) in sessions of S records, as Helix writes them.

Lines follow LedgerCodec's field order; every session starts with a statistical baseline, then its workers'
experiments: mostly discards, some keeps, crashes, rejections and stale records, with blocks of samples.
Seeded, so every run writes the same bytes. Usage: ledger-gen.py FILE [N] [S] [BASELINE_COMMIT BEST_COMMIT]: with the
two commits (real ones, so that helix best can diff them) every baseline is the first and the last record is a keep
of the second.
"""
import random
import sys

out, n, per = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000, int(sys.argv[3]) if len(sys.argv) > 3 else 50_000
real = sys.argv[4:6] if len(sys.argv) > 5 else None
rnd = random.Random(11)
hexd = "0123456789abcdef"


def sha():
    return "".join(rnd.choice(hexd) for _ in range(40))


def nums(xs):
    return "[" + ",".join(repr(round(x, 6)) for x in xs) + "]"


with open(out, "w", buffering=1 << 20) as f:
    written, session = 0, 0
    while written < n:
        session += 1
        tag = "dec%d-%02d" % (1 + session // 30, session % 30)
        base_commit = real[0] if real else sha()
        best, best_commit = 5.0, base_commit
        samples = [5.0 + rnd.gauss(0, 0.02) for _ in range(5)]
        f.write('{"run":0,"tag":"%s","worker":1,"parent":"%s","commit":"%s","status":"baseline","metrics":{"loss":%r},'
                '"primary":%r,"delta":null,"delta_pct":null,"description":"baseline","hypothesis":null,'
                '"reason":"the unchanged code, measured 5 times; noise: sd 0.02 (0.4%% of 5) over 5 baseline runs -> statistical judge",'
                '"samples":%s,"started_at":"2026-12-06T07:55:10.294971729Z","finished_at":"2026-12-06T07:55:10.519271879Z",'
                '"eval_seconds":0.06,"exit_code":0,"timed_out":false,"log":".helix/runs/%s/0.log","diff":{"files":0,"added":0,"removed":0},'
                '"agent":null,"paths":[],"log_tail":null,"attempt":0,"incumbent_samples":[],"stats":null,'
                '"noise":{"sd":0.02,"n":5,"mode":"statistical"}}\n'
                % (tag, base_commit, base_commit, samples[0], samples[0], nums(samples), tag))
        written += 1
        run = 0
        for _ in range(min(per, n - written + 1) - 1):
            run += 1
            worker = 1 + run % 4
            r = rnd.random()
            last = written == n - 1 and real
            status = "keep" if r < 0.03 or last else "discard" if r < 0.85 else "crash" if r < 0.93 else "rejected" if r < 0.97 else "stale"
            commit = real[1] if last else sha() if status != "rejected" else ""
            if status in ("keep", "discard", "stale"):
                value = best * (1 - 0.002 * rnd.random() if status == "keep" else 1 + 0.004 * rnd.random())
                cand = [value + rnd.gauss(0, 0.02) for _ in range(4)]
                inc = [best + rnd.gauss(0, 0.02) for _ in range(4)]
                effect = sum(cand) / 4 - sum(inc) / 4
                metrics, primary = '{"loss":%r,"seconds":%r}' % (value, 12.5 + rnd.random()), repr(value)
                delta, pct = repr(value - best), repr((value - best) / best * 100)
                stats = ('{"effect":%r,"ci_low":%r,"ci_high":%r,"p_value":%r,"alpha":0.05,"n":4,"incumbent_n":4,'
                         '"incumbent_mean":%r,"sd":0.02,"df":3,"evaluations":8,"incumbent":"%s"}'
                         % (effect, effect - 0.03, effect + 0.03, rnd.random(), sum(inc) / 4, best_commit))
                s, i, code, tail = nums(cand), nums(inc), "0", "null"
                reason = "%s: loss %.4f -> %.4f" % ("improved" if status == "keep" else "worse", best, value)
            else:
                metrics, primary, delta, pct, stats, s, i = "{}", "null", "null", "null", "null", "[]", "[]"
                code = "2" if status == "crash" else "null"
                tail = '"Traceback (most recent call last):\\n  File \\"train.py\\", line 12\\nValueError: bad lr"' if status == "crash" else "null"
                reason = "exit code 2" if status == "crash" else "changed a file out of scope: data/x.csv"
            paths = '["data/x.csv"]' if status == "rejected" else "[]"
            f.write('{"run":%d,"tag":"%s","worker":%d,"parent":"%s","commit":"%s","status":"%s","metrics":%s,"primary":%s,'
                    '"delta":%s,"delta_pct":%s,"description":"lower the learning rate to %.4f and warm up for %d steps",'
                    '"hypothesis":"a smaller step size should reduce the loss plateau","reason":"%s","samples":%s,'
                    '"started_at":"2026-12-07T10:%02d:%02d.123456789Z","finished_at":"2026-12-07T10:%02d:%02d.987654321Z",'
                    '"eval_seconds":%r,"exit_code":%s,"timed_out":false,"log":".helix/runs/%s/%d.log",'
                    '"diff":{"files":1,"added":3,"removed":2},"agent":{"backend":"claude","model":"sonnet","tokens_in":%d,'
                    '"tokens_out":%d,"cost_usd":%r,"turns":7,"seconds":41.5},"paths":%s,"log_tail":%s,"attempt":0,'
                    '"incumbent_samples":%s,"stats":%s,"noise":null}\n'
                    % (run, tag, worker, best_commit, commit, status, metrics, primary, delta, pct, rnd.random() / 100,
                       rnd.randrange(1000), reason, s, run % 60, run % 60, run % 60, (run + 1) % 60, 50 + rnd.random(),
                       code, tag, run, rnd.randrange(10000, 90000), rnd.randrange(500, 4000), round(rnd.random() / 10, 4),
                       paths, tail, i, stats))
            written += 1
            if status == "keep":
                best, best_commit = value, commit
