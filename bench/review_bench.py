"""Peer-review figures, as `name: value unit` lines, each target checked on its line.

- `review.alloc.<n>: <seconds> s`: deadline allocation of n single-author submissions with
  k = 3 (median of three runs); the aim for 100,000 is under 2 s, not checked here as it
  depends on the machine.
- `review.rmse.<estimator>[.unbiased]`: error of the median, mean and corrected estimate
  against the true scores on the canonical circle (1,000 learners, 4 reviews each, five
  seeds pooled), with and without reviewer bias. Targets: corrected <= 0.80 x median with
  bias, no worse than the median without.
- `review.rmse.<estimator>.<regime>`: median, corrected and shown (what learners see) in the
  regimes of ``bench.review_data.REGIMES``: wide, bimodal, lownoise10, small. Target: shown
  <= median in every regime.
- `review.extremes.<estimator>`: mean absolute error on the top and bottom tenth by true
  score, canonical circle. Target: corrected <= median.

Exits non-zero when a target is missed. Fixed seeds throughout.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.review_data import REGIMES, extremes_mae, pooled_rmse  # noqa: E402
from cohorts.review.allocation import Submission, allocate_at_deadline  # noqa: E402


def allocation_seconds(n_submissions: int, runs: int = 3) -> float:
    submissions = [Submission(id=i, authors=frozenset({i})) for i in range(n_submissions)]
    timings = []
    for seed in range(runs):
        start = time.perf_counter()
        allocate_at_deadline(submissions, k=3, seed=seed)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def report(name: str, value: float, unit: str, target: str = "", bound: float | None = None) -> bool:
    """Print one figure; with a ``bound``, its target (``value <= bound``) and whether it is met."""
    if bound is None:
        print(f"{name}: {value:.4f} {unit}", flush=True)
        return True
    met = value <= bound
    print(f"{name}: {value:.4f} {unit} (target ≤ {target} {bound:.4f}) {'ok' if met else 'MISSED'}", flush=True)
    return met


def main() -> int:
    met = []
    for n_submissions in (10_000, 100_000):
        report(f"review.alloc.{n_submissions}", allocation_seconds(n_submissions), "s")

    canonical = pooled_rmse(REGIMES["pg1"].draw())
    for name in ("median", "mean"):
        report(f"review.rmse.{name}", canonical[name], "rmse")
    met.append(
        report("review.rmse.corrected", canonical["corrected"], "rmse", "0.80 × median", 0.80 * canonical["median"])
    )
    unbiased = pooled_rmse(REGIMES["pg1_unbiased"].draw())
    for name in ("median", "mean"):
        report(f"review.rmse.{name}.unbiased", unbiased[name], "rmse")
    met.append(report("review.rmse.corrected.unbiased", unbiased["corrected"], "rmse", "median", unbiased["median"]))

    for regime in ("wide", "bimodal", "lownoise10", "small"):
        errors = pooled_rmse(REGIMES[regime].draw())
        report(f"review.rmse.median.{regime}", errors["median"], "rmse")
        report(f"review.rmse.corrected.{regime}", errors["corrected"], "rmse")
        met.append(report(f"review.rmse.shown.{regime}", errors["shown"], "rmse", "median", errors["median"]))

    extremes = extremes_mae(REGIMES["pg1"].draw())
    report("review.extremes.median", extremes["median"], "mae")
    met.append(report("review.extremes.corrected", extremes["corrected"], "mae", "median", extremes["median"]))
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
