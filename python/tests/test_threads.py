"""Kernels release the GIL while they run over arrays, and may run on many threads."""

import sys
import threading
import time

import numpy as np

import gradc


def test_other_python_threads_run_while_a_kernel_runs():
    f = gradc.compile("sin(x)*cos(y) + exp(-x*y)")
    big = np.random.default_rng(1).uniform(size=(2, 2_000_000))
    calling = False
    seen_during_call = 0
    done = threading.Event()

    def watcher():
        nonlocal seen_during_call
        while not done.is_set():
            if calling:
                seen_during_call += 1
            time.sleep(1e-4)  # sleeping releases the GIL, so the caller can take it back

    # With a switch interval far longer than the test, the watcher runs only when the
    # caller gives up the GIL: which a kernel call does, and nothing else between
    # `calling = True` and `calling = False` does.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    thread = threading.Thread(target=watcher)
    thread.start()
    try:
        time.sleep(0.01)
        for _ in range(20):
            calling = True
            f(big)
            calling = False
            if seen_during_call:
                break
    finally:
        done.set()
        sys.setswitchinterval(interval)
        thread.join()
    assert seen_during_call > 0


def test_threads_calling_one_kernel_get_the_right_numbers():
    f = gradc.compile("x^2*sin(y)")
    rng = np.random.default_rng(2)
    inputs = [rng.uniform(size=(2, 5000)) for _ in range(8)]
    expected = [f(p) for p in inputs]
    results = [None] * len(inputs)

    def work(i):
        for _ in range(20):
            results[i] = (f(inputs[i]), f.sum(inputs[i]), f(x=inputs[i][0, 0], y=inputs[i][1, 0]))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, (mapped, summed, point) in enumerate(results):
        assert np.array_equal(mapped[0], expected[i][0]) and np.array_equal(mapped[1], expected[i][1])
        assert summed[0] == f.sum(inputs[i])[0]
        assert point[0] == expected[i][0][0] or abs(point[0] - expected[i][0][0]) < 1e-15
