"""Peer-review figures, as `name: value unit` lines.

- `review.alloc.<n>: <seconds> s`: deadline allocation of n single-author submissions with
  k = 3 (median of three runs); the target for 100,000 is under 2 s.
- `review.rmse.<estimator>[.unbiased]: <rmse>`: error of the median, mean and PG1-corrected
  estimate against the true scores on the canonical synthetic circle (1,000 learners, 4
  reviews each), averaged over five seeds, with and without reviewer bias. The targets:
  corrected <= 0.80 x median and <= 0.90 x mean, and no worse than median when unbiased.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cohorts.review.allocation import Submission, allocate_at_deadline  # noqa: E402
from cohorts.review.scoring import fit_pg1, mean_scores, median_scores, rmse, synthetic_circle  # noqa: E402

SEEDS = range(5)


def allocation_seconds(n_submissions: int, runs: int = 3) -> float:
    submissions = [Submission(id=i, authors=frozenset({i})) for i in range(n_submissions)]
    timings = []
    for seed in range(runs):
        start = time.perf_counter()
        allocate_at_deadline(submissions, k=3, seed=seed)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def rmse_by_estimator(bias_sd: float) -> dict[str, float]:
    errors: dict[str, list[float]] = {"median": [], "mean": [], "corrected": []}
    for seed in SEEDS:
        circle = synthetic_circle(bias_sd=bias_sd, seed=seed)
        medians = {submission: summary.median for submission, summary in median_scores(circle.observations).items()}
        errors["median"].append(rmse(medians, circle.true_scores))
        errors["mean"].append(rmse(mean_scores(circle.observations), circle.true_scores))
        errors["corrected"].append(rmse(fit_pg1(circle.observations).true_scores, circle.true_scores))
    return {name: statistics.fmean(values) for name, values in errors.items()}


def main() -> None:
    for n_submissions in (10_000, 100_000):
        print(f"review.alloc.{n_submissions}: {allocation_seconds(n_submissions):.3f} s", flush=True)
    for suffix, bias_sd in (("", 0.10), (".unbiased", 0.0)):
        for name, value in rmse_by_estimator(bias_sd).items():
            print(f"review.rmse.{name}{suffix}: {value:.4f}", flush=True)


if __name__ == "__main__":
    main()
