"""gradc.tune(): the library's search over a Python training function."""

import math

import pytest

import gradc

SPACE = "lr=log(1e-4,1); optimizer=adam|gd; units=int(1,4)"


def synthetic(settings, epochs):
    """Lowest at lr = 0.01 with adam, falling with the epochs as training curves do."""
    loss = (math.log10(settings["lr"]) + 2) ** 2 + 1 / epochs
    return loss + (0.5 if settings["optimizer"] == "gd" else 0)


def test_tune_finds_the_known_best_and_repeats():
    r = gradc.tune(SPACE, synthetic, epochs=27, trials=30, seed=1)
    best = r["best"]
    assert best["epochs"] == 27 and best["settings"]["optimizer"] == "adam"
    assert abs(math.log10(best["settings"]["lr"]) + 2) < 1
    assert best["val_loss"] == min(t["val_loss"] for t in r["trials"] if t["epochs"] == 27)
    settings = best["settings"]
    assert isinstance(settings["lr"], float) and isinstance(settings["units"], int)
    assert r["configurations"] == 30 and r["epochs_run"] == r["epochs_planned"]
    again = gradc.tune(SPACE, synthetic, epochs=27, trials=30, seed=1, threads=2)
    assert [t["val_loss"] for t in again["trials"]] == [t["val_loss"] for t in r["trials"]]
    assert [t["settings"] for t in again["trials"]] == [t["settings"] for t in r["trials"]]


def test_failing_trials_are_recorded():
    def train(settings, epochs):
        if settings["lr"] > 0.01:
            raise ValueError("too fast")
        return {"val_loss": synthetic(settings, epochs), "val_accuracy": 0.5, "epochs": epochs}

    r = gradc.tune(SPACE, train, method="random", epochs=3, trials=12, seed=2)
    failed = [t for t in r["trials"] if t["failed"]]
    assert failed and all("ValueError: too fast" in t["failed"] for t in failed)
    assert all(t["settings"]["lr"] > 0.01 for t in failed)
    assert r["best"] is not None and r["best"]["val_accuracy"] == 0.5


def test_tune_over_gradc_fit(repo):
    def train(settings, epochs):
        return gradc.fit("w*x + b", data=str(repo / "data/line.csv"), target="y", optimizer=settings["optimizer"],
                         lr=settings["lr"], epochs=epochs, validation=0.2, seed=3)

    r = gradc.tune("lr=log(1e-3,3e-1); optimizer=adam|rmsprop", train, epochs=9, trials=6, seed=3)
    best = r["best"]
    refit = train(best["settings"], 9)
    assert refit.val_loss == best["val_loss"]


def test_keyboard_interrupt_stops_the_search():
    calls = []

    def train(settings, epochs):
        calls.append(epochs)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        gradc.tune(SPACE, train, epochs=9, trials=10)
    assert len(calls) == 1


def test_mistakes_are_gradcs_errors():
    with pytest.raises(gradc.ParseError, match="the upper bound must be above the lower one"):
        gradc.tune("lr=log(1, 0.1)", synthetic)
    with pytest.raises(gradc.Error, match="choose random, halving or hyperband"):
        gradc.tune(SPACE, synthetic, method="grid")
    r = gradc.tune(SPACE, lambda s, e: {"loss": 1}, trials=1, epochs=1)
    assert r["best"] is None and "has no val_loss" in r["trials"][0]["failed"]
