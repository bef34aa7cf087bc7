"""gradc.fit() and gradc.minimize(): the command line's runs, closed forms and known optima."""

import json
import subprocess

import numpy as np
import pytest

import gradc


def test_linear_fit_is_least_squares(repo):
    data = np.genfromtxt(repo / "data/line.csv", delimiter=",", names=True)
    result = gradc.fit("w*x + b", data={"x": data["x"], "y": data["y"]}, target="y")
    w, b = np.linalg.lstsq(np.c_[data["x"], np.ones(len(data))], data["y"], rcond=None)[0]
    assert result.params["w"] == pytest.approx(w, rel=1e-7)
    assert result.params["b"] == pytest.approx(b, rel=1e-7)
    assert result.stop in ("tolerance", "max_epochs")
    residual = np.mean((w * data["x"] + b - data["y"]) ** 2)
    assert result.loss == pytest.approx(residual, rel=1e-9)
    np.testing.assert_allclose(result.predict({"x": np.array([0.0, 1.0])}), [b, w + b], rtol=1e-6)


def test_an_expression_model_and_the_epoch_callback():
    w, b, x = gradc.Context().symbols("w b x")
    xs = np.linspace(-1, 1, 40)
    epochs = []
    result = gradc.fit(w * x + b, data={"x": xs, "y": 2 * xs - 1}, target="y", optimizer="adam", lr=0.1,
                       epochs=25, callback=lambda epoch, loss, val: epochs.append((epoch, loss)))
    assert [e for e, _ in epochs] == list(range(1, 26))
    assert [loss for _, loss in epochs] == [h[0] for h in result.history]
    assert result.epochs == 25 and result.stop == "max_epochs"


def test_a_network_is_the_commands_network(cli, repo, tmp_path):
    options = ["--mlp", "16", "--loss", "xent", "--optimizer", "adam", "--epochs", "3", "--seed", "5",
               "--validation", "0.2"]
    cli_model = tmp_path / "cli.json"
    subprocess.run([cli, "fit", "--data", str(repo / "data/digits.csv"), "--target", "target", *options,
                    "--save", str(cli_model)], check=True, capture_output=True)
    result = gradc.fit(data=repo / "data/digits.csv", target="target", mlp=[16], loss="xent", optimizer="adam",
                       epochs=3, seed=5, validation=0.2)
    py_model = tmp_path / "py.json"
    result.save(str(py_model))
    # The same run, bit for bit: the model files are identical.
    assert py_model.read_bytes() == cli_model.read_bytes()
    assert 0.2 < result.accuracy <= 1 and 0.2 < result.val_accuracy <= 1  # chance is 0.1
    assert len(result.history) == 3 and not np.isnan(result.history[-1][1])
    loaded = gradc.load(str(py_model))
    assert loaded.is_network and loaded.classes == list(map(float, range(10)))
    predicted = loaded.predict(repo / "data/digits.csv")
    command = subprocess.run([cli, "predict", str(py_model), "--data", str(repo / "data/digits.csv"), "--json"],
                             check=True, capture_output=True, text=True)
    assert list(predicted) == json.loads(command.stdout)["predictions"]
    proba = loaded.predict_proba(repo / "data/digits.csv")
    assert proba.shape == (10, 1797)
    np.testing.assert_allclose(proba.sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(np.argmax(proba, axis=0), predicted)


def test_fit_refuses_unclear_requests(repo):
    with pytest.raises(ValueError, match="not both"):
        gradc.fit("w*x", data={"x": np.ones(3), "y": np.ones(3)}, target="y", mlp=[4])
    with pytest.raises(ValueError, match="column y has 2 rows where x has 3"):
        gradc.fit("w*x", data={"x": np.ones(3), "y": np.ones(2)}, target="y")
    with pytest.raises(TypeError, match="CSV file's path or columns by name"):
        gradc.fit("w*x", data=[1, 2, 3], target="y")


def test_minimize_finds_rosenbrocks_minimum():
    result = gradc.minimize("(1 - x)^2 + 100*(y - x^2)^2", {"x": -1.2, "y": 1.0})
    assert result.converged and result.reason in ("gradient_tolerance", "value_tolerance")
    assert result.x["x"] == pytest.approx(1.0, abs=1e-7)
    assert result.x["y"] == pytest.approx(1.0, abs=1e-7)
    assert result.value < 1e-14
    # A sequence in variable order works as well, and first-order methods are there.
    adam = gradc.minimize("(x - 3)^2 + (y + 1)^2", [0.0, 0.0], method="adam", lr=0.1, max_iterations=2000)
    assert adam.x["x"] == pytest.approx(3.0, abs=1e-3) and adam.x["y"] == pytest.approx(-1.0, abs=1e-3)
    calls = []
    gradc.minimize("(x - 3)^2", {"x": 0.0}, method="gd", lr=0.1, max_iterations=5,
                   callback=lambda i, value, x: calls.append((i, x["x"])))
    assert [i for i, _ in calls] == [1, 2, 3, 4, 5]
    assert calls[0][1] == pytest.approx(0.6)  # x - 0.1 * 2 * (x - 3)
    with pytest.raises(ValueError, match="x0 has no value for y"):
        gradc.minimize("x*y", {"x": 1.0})
