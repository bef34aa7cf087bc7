#!/usr/bin/env python3
"""PyTorch's times for the tensor programs of bench/tensor_mlp_kernel_bench.cpp and
bench/tensor_hessian_bench.cpp, in float64 on 1 thread (and 2, for the batch of 256):

- the 784-128-10 network (relu hidden layer, softmax cross-entropy on integer labels,
  summed over the batch): forward and backward, the gradient by W1, b1, W2 and b2, on
  batches of 32 and 256 rows; GFLOP/s with the C++ benchmark's count, 2N(2*784*128 +
  3*128*10) multiplications and additions of the four matrix products;
- the logistic loss's Hessian by w for X of 2000 x 1000, by
  torch.autograd.functional.hessian(..., vectorize=True), and the closed form
  (X * s(1 - s)[:, None]).T @ X that a PyTorch user would write by hand.

The data is drawn from the C++ benchmarks' distributions by numpy's generator (not the
same values: the times do not depend on them). Each figure is the fastest of its
repetitions: on a shared machine noise only adds time. The BLAS matters: Debian's torch
calls the system's libblas.so.3, so the script prints which one is loaded.

    /usr/bin/python3 bench/pytorch/tensor_time.py
"""
import ctypes
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

MLP_BATCHES = (32, 256)
MLP_REPEATS = 200
HESSIAN_ROWS, HESSIAN_COLS = 2000, 1000
HESSIAN_REPEATS = 3
FLOPS_PER_ROW = 2 * (2 * 784 * 128 + 3 * 128 * 10)


def fastest_ms(run, repeats):
    """The fastest of `repeats` calls after one untimed call, in ms."""
    run()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return 1e3 * best


def loaded_openblas():
    """OpenBLAS as loaded by this process (ctypes handle), or None, and the BLAS paths mapped."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    for path in sorted(paths):
        if "openblas" in os.path.basename(path).lower():
            lib = ctypes.CDLL(path)
            for name in ("openblas_get_corename", "openblas_get_config"):
                getattr(lib, name).restype = ctypes.c_char_p
            return lib, paths
    return None, paths


OPENBLAS = None


def set_threads(threads):
    """torch's intra-op threads, and OpenBLAS's own pool, which torch.set_num_threads
    leaves alone (it sets MKL's only): without this OpenBLAS would use every core."""
    torch.set_num_threads(threads)
    if OPENBLAS is not None:
        OPENBLAS.openblas_set_num_threads(threads)


def print_setup():
    global OPENBLAS
    print(f"PyTorch {torch.__version__}, numpy {np.__version__}, float64")
    alternatives = subprocess.run(["update-alternatives", "--display", "libblas.so.3-x86_64-linux-gnu"],
                                  capture_output=True, text=True)
    print("$ update-alternatives --display libblas.so.3-x86_64-linux-gnu")
    print((alternatives.stdout or alternatives.stderr).rstrip())
    torch.ones(4, 4, dtype=torch.float64) @ torch.ones(4, 4, dtype=torch.float64)  # loads the BLAS
    OPENBLAS, paths = loaded_openblas()
    print("BLAS libraries mapped: " + (", ".join(sorted(paths)) or "none"))
    if OPENBLAS is not None:
        print(f"OpenBLAS core: {OPENBLAS.openblas_get_corename().decode()} "
              f"({OPENBLAS.openblas_get_config().decode()}), {OPENBLAS.openblas_get_num_threads()} threads "
              "at start (set to match torch's below)")
    else:
        print("OpenBLAS: not loaded")
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        print(f"  {name}={os.environ.get(name, '(unset)')}")
    print("torch.__config__.show():")
    print(torch.__config__.show().rstrip())


def mlp_problem(rows, rng):
    x = torch.tensor(rng.uniform(0.0, 1.0, size=(rows, 784)))
    y = torch.tensor(rng.randint(0, 10, size=rows), dtype=torch.int64)
    params = [torch.tensor(rng.normal(0.0, np.sqrt(2 / 784), size=(784, 128))), torch.full((128,), 0.01),
              torch.tensor(rng.normal(0.0, np.sqrt(2 / 128), size=(128, 10))), torch.zeros(10)]
    params = [p.to(torch.float64).requires_grad_() for p in params]
    return x, y, params


def mlp_step(x, y, params):
    W1, b1, W2, b2 = params
    for p in params:
        p.grad = None
    z = torch.relu(x @ W1 + b1) @ W2 + b2
    loss = F.cross_entropy(z, y, reduction="sum")  # sum over rows of logsumexp(z) - z[y]
    loss.backward()
    return loss


def time_mlp(rng):
    print("\n784-128-10 MLP, loss + gradient by W1, b1, W2, b2 (fastest of "
          f"{MLP_REPEATS}):")
    for rows in MLP_BATCHES:
        x, y, params = mlp_problem(rows, rng)
        for threads in (1, 2) if rows == max(MLP_BATCHES) else (1,):
            set_threads(threads)
            ms = fastest_ms(lambda: mlp_step(x, y, params), MLP_REPEATS)
            gflops = FLOPS_PER_ROW * rows / ms / 1e6
            print(f"  batch {rows:4d}, {threads} thread{'s' if threads > 1 else ' '}: {1e3 * ms:9.1f} us  "
                  f"({gflops:6.2f} GFLOP/s)")
    set_threads(1)


def time_hessian(rng):
    X = torch.tensor(rng.normal(size=(HESSIAN_ROWS, HESSIAN_COLS)))
    w = torch.tensor(rng.normal(size=HESSIAN_COLS) / np.sqrt(HESSIAN_COLS))
    y = torch.tensor((rng.normal(size=HESSIAN_ROWS) > 0).astype(float))

    def loss(v):
        z = X @ v
        return (F.softplus(z) - y * z).sum()

    def closed_form():
        s = torch.sigmoid(X @ w)
        return (X * (s * (1 - s))[:, None]).T @ X

    set_threads(1)
    print(f"\nlogistic-loss Hessian by w, X {HESSIAN_ROWS} x {HESSIAN_COLS}, 1 thread (fastest of "
          f"{HESSIAN_REPEATS}):")
    hessian = torch.autograd.functional.hessian(loss, w, vectorize=True)
    reference = closed_form()
    difference = ((hessian - reference).abs().max() / reference.abs().max()).item()
    ms = fastest_ms(lambda: torch.autograd.functional.hessian(loss, w, vectorize=True), HESSIAN_REPEATS)
    print(f"  autograd.functional.hessian(vectorize=True) {ms:9.1f} ms  (within {difference:.2g} of the closed "
          "form, relative to its largest entry)")
    ms = fastest_ms(closed_form, HESSIAN_REPEATS)
    print(f"  closed form (X * s(1-s)[:, None]).T @ X     {ms:9.1f} ms")


def main():
    print_setup()
    set_threads(1)
    print(f"threads: torch.get_num_threads() = {torch.get_num_threads()} (set to 1; 2 where said)")
    rng = np.random.RandomState(7)
    time_mlp(rng)
    time_hessian(rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
