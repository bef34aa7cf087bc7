#!/usr/bin/python3
"""What calling gradc from Python costs.

1. A compiled value and gradient over N points (10^6 by default) from NumPy arrays,
   against the same kernel called from C++ (python_map_bench, which builds the same DAG,
   so LLVM makes the same code) on the same machine in the same run. C++ writes into
   buffers allocated once; from Python, once into new result arrays (whose fresh pages
   the kernel's first writes fault in) and once into arrays given with out=, as C++ does.
   Each Python figure is set against C++ writing its results the same way.
2. The time of one call at a single point, against a plain Python function that
   computes the same value and gradient with the math module, and against
   sympy.lambdify of the value and gradient.

Run from the repository's root with an optimized module (`pip install .` builds one,
docs/python.md) and the release preset's C++ program:
    .venv/bin/python bench/python/bench_calls.py --cxx build/release/bench/python_map_bench
Both sides run on one thread.
"""

import argparse
import json
import math
import statistics
import subprocess
import sys
import timeit

import numpy as np

import gradc

FORMULA = "x^2*sin(y) + exp(-x*y)/(1 + z^2)"


def by_hand(x, y, z):
    """The value and gradient of FORMULA, written out with the math module."""
    s, c, q = math.sin(y), math.cos(y), 1.0 / (1.0 + z * z)
    e = math.exp(-x * y) * q
    return x * x * s + e, (2 * x * s - y * e, x * x * c - x * e, -2 * z * e * q)


def seconds_per_call(call, repeats, number):
    """The median and the fastest of `repeats` timings of `number` calls, per call."""
    times = [t / number for t in timeit.repeat(call, repeat=repeats, number=number)]
    return statistics.median(times), min(times)


def cxx_map_seconds(binary, points, min_time):
    """Seconds per call from C++ into buffers allocated once, and into new ones."""
    run = subprocess.run([binary, "--points", str(points), "--formula", FORMULA, "--benchmark_format=json",
                          f"--benchmark_min_time={min_time}", "--benchmark_repetitions=3"],
                         check=True, capture_output=True, text=True)
    runs = json.loads(run.stdout)["benchmarks"]
    medians = {r["run_name"]: r["real_time"] / 1e3 for r in runs if r.get("aggregate_name") == "median"}
    return medians["cxx_map/fresh:0/real_time"], medians["cxx_map/fresh:1/real_time"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cxx", required=True, help="the python_map_bench executable")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds per C++ repetition")
    args = parser.parse_args()

    f = gradc.compile(FORMULA)
    rng = np.random.default_rng(1)
    # Where the arrays land in memory moves a run of this kernel between two speeds (3.7
    # and 6.5 ms per 10^6 points here, in C++ as in Python), so each trial allocates
    # its arrays anew, the C++ program runs as often, and the medians of the trials are
    # compared.
    fresh, given, cxx, cxx_fresh = [], [], [], []
    for _ in range(args.trials):
        points = rng.uniform(size=(3, args.points))  # (k, N), C order: read where it lies
        values, gradient = f(points)
        x, y, z = points[:, 0]
        want_value, want_gradient = by_hand(x, y, z)
        assert math.isclose(values[0], want_value, rel_tol=1e-14), "the kernel disagrees with the formula"
        assert np.allclose(gradient[:, 0], want_gradient, rtol=1e-13)
        out = (np.empty(args.points), np.empty((3, args.points)))
        fresh.append(seconds_per_call(lambda: f(points), args.repeats, 1)[0])
        given.append(seconds_per_call(lambda: f(points, out=out), args.repeats, 1)[0])
        reused, new = cxx_map_seconds(args.cxx, args.points, args.min_time)
        cxx.append(reused)
        cxx_fresh.append(new)
        del points, values, gradient, out
    print(f"gradc {gradc.__version__}, Python {sys.version.split()[0]}, NumPy {np.__version__}, one thread")
    print(f"\nvalue and gradient of {FORMULA} over {args.points:,} points, {args.trials} trials "
          f"(median of the trials' medians; fastest and slowest trial):")
    rows = (("from Python, new results", fresh, cxx_fresh), ("from C++, new buffers", cxx_fresh, cxx_fresh),
            ("from Python, out= arrays", given, cxx), ("from C++, buffers reused", cxx, cxx))
    for name, times, against in rows:
        median = statistics.median(times)
        print(f"  {name:27s} {median * 1e3:7.3f} ms  ({min(times) * 1e3:.3f} to {max(times) * 1e3:.3f})"
              f"  {median / statistics.median(against):6.3f}× C++")

    import sympy
    sx, sy, sz = sympy.symbols("x y z")
    expr = sympy.sympify(FORMULA.replace("^", "**"), locals={"x": sx, "y": sy, "z": sz})
    lambdified = sympy.lambdify([sx, sy, sz], [expr, [sympy.diff(expr, v) for v in (sx, sy, sz)]], modules="math")
    x, y, z = 0.3, 0.7, 0.9
    assert math.isclose(lambdified(x, y, z)[0], by_hand(x, y, z)[0], rel_tol=1e-14)
    number = 20_000
    rows = [
        ("gradc, f(x=..., y=..., z=...)", lambda: f(x=x, y=y, z=z)),
        ("gradc, f([x, y, z])", lambda: f([x, y, z])),
        ("plain Python function", lambda: by_hand(x, y, z)),
        ("sympy.lambdify (math)", lambda: lambdified(x, y, z)),
    ]
    print(f"\none call at a single point, value and gradient (median of {args.repeats} × {number:,} calls):")
    for name, call in rows:
        median, _ = seconds_per_call(call, args.repeats, number)
        print(f"  {name:32s} {median * 1e9:8.0f} ns")


if __name__ == "__main__":
    main()
