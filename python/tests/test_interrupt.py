"""Ctrl-C stops fit() and minimize() at the next epoch or iteration with KeyboardInterrupt.

The runs below would go on for hours: the test can only finish if the interrupt is
honoured while the C++ loop runs without the GIL.
"""

import os
import signal
import threading

import numpy as np
import pytest

import gradc


def interrupt_soon():
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_stops_fit():
    x = np.linspace(-1, 1, 64)
    data = {"x": x, "y": 3 * x + 2}
    seen = []
    timer = interrupt_soon()
    try:
        with pytest.raises(KeyboardInterrupt):
            # A learning rate this small changes the loss at every epoch, so nothing else stops it.
            gradc.fit("w*x + b", data=data, target="y", optimizer="gd", lr=1e-9, epochs=10**12,
                      callback=lambda epoch, loss, val: seen.append(epoch) if epoch == 1 else None)
    finally:
        timer.cancel()
    assert seen == [1]
    # The module is usable after the interrupt.
    assert gradc.fit("w*x + b", data=data, target="y").params["w"] == pytest.approx(3.0)


def test_ctrl_c_stops_minimize():
    timer = interrupt_soon()
    try:
        with pytest.raises(KeyboardInterrupt):
            gradc.minimize("(x - 1)^2 + (y + 2)^2", {"x": 0.0, "y": 0.0}, method="gd", lr=1e-12,
                           max_iterations=10**15, gradient_tolerance=0.0)
    finally:
        timer.cancel()


def test_an_exception_in_a_callback_stops_the_run():
    def callback(iteration, value, x):
        if iteration == 3:
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        gradc.minimize("(x - 1)^2", {"x": 5.0}, method="adam", callback=callback)
