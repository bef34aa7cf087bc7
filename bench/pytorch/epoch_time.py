#!/usr/bin/env python3
"""PyTorch's time per training epoch on the problems of bench/fit_epoch_bench.cpp.

10^6 rows x 4 features in float64, linear regression (MSELoss) and logistic regression
(BCEWithLogitsLoss), plain SGD (lr 0.05): full-batch epochs, and mini-batch epochs of
1024 rows in file order and shuffled, on 1 and 2 threads. An epoch is its steps, then
the loss over every row at the new parameters (under no_grad: no gradient, which
gradc's epoch also computes). The data is drawn from the same distributions as the C++
benchmark's, by numpy's generator. As there, each figure is the fastest epoch: on a
shared machine noise only adds time.

    /usr/bin/python3 bench/pytorch/epoch_time.py
"""
import sys
import time

import numpy as np
import torch

ROWS = 1_000_000
FEATURES = 4
BATCH = 1024
LEARNING_RATE = 0.05
EPOCHS = 10  # timed, after one untimed epoch

CASES = [  # name, loss, batch (0: full), shuffled
    ("linear (mse), full batch", "mse", 0, False),
    ("linear (mse), batch 1024", "mse", BATCH, False),
    ("linear (mse), batch 1024 shuffled", "mse", BATCH, True),
    ("logistic (bce), full batch", "bce", 0, False),
    ("logistic (bce), batch 1024", "bce", BATCH, False),
    ("logistic (bce), batch 1024 shuffled", "bce", BATCH, True),
]


def problem():
    rng = np.random.RandomState(42)
    x = rng.normal(size=(ROWS, FEATURES))
    y = 3 + 1.5 * x[:, 0] - 2 * x[:, 1] + 0.5 * x[:, 2] + 0.1 * rng.normal(size=ROWS)
    c = (x[:, 0] - 0.5 * x[:, 1] + 0.3 * rng.normal(size=ROWS) > 0).astype(float)
    return torch.tensor(x), {"mse": torch.tensor(y), "bce": torch.tensor(c)}


def epoch_ms(x, y, loss, batch, shuffled):
    """The fastest of EPOCHS epochs, in ms."""
    criterion = torch.nn.MSELoss() if loss == "mse" else torch.nn.BCEWithLogitsLoss()
    w = torch.zeros(FEATURES, dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=LEARNING_RATE)
    generator = torch.Generator().manual_seed(0)
    size = batch or ROWS
    times = []
    for _ in range(EPOCHS + 1):
        start = time.perf_counter()
        order = torch.randperm(ROWS, generator=generator) if shuffled else None
        for first in range(0, ROWS, size):
            if order is None:
                xb, yb = x[first:first + size], y[first:first + size]
            else:
                rows = order[first:first + size]
                xb, yb = x[rows], y[rows]
            optimizer.zero_grad()
            criterion(xb @ w + b, yb).backward()
            optimizer.step()
        with torch.no_grad():
            criterion(x @ w + b, y).item()
        times.append(time.perf_counter() - start)
    return 1e3 * min(times[1:])


def main():
    x, targets = problem()
    print(f"PyTorch {torch.__version__}: ms per epoch, {ROWS} rows x {FEATURES} features, float64, SGD (lr "
          f"{LEARNING_RATE}); the fastest of {EPOCHS} epochs")
    print(f"  {'':<38} {'1 thread':>10} {'2 threads':>10}")
    for name, loss, batch, shuffled in CASES:
        row = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            row.append(epoch_ms(x, targets[loss], loss, batch, shuffled))
        print(f"  {name:<38} {row[0]:10.2f} {row[1]:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
