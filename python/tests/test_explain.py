"""gradc.explain(): the command's attributions, and a linear model's closed form."""

import json
import subprocess

import numpy as np
import pytest

import gradc


def test_explain_gives_what_the_command_gives(cli, repo):
    model, data = repo / "docs/data/xor_model.json", repo / "docs/data/xor.csv"
    command = subprocess.run([cli, "explain", str(model), "--data", str(data), "--json"],
                             capture_output=True, text=True, check=True)
    want = json.loads(command.stdout)
    got = gradc.explain(model, data)
    assert got.exact and want["exact"]
    assert got.inputs == want["inputs"] == ["a", "b"]
    assert got.values.shape == (4, 2) and got.values.flags.f_contiguous
    np.testing.assert_array_equal(got.values, [row["attributions"] for row in want["rows"]])
    np.testing.assert_array_equal(got.output, [row["f"] for row in want["rows"]])
    np.testing.assert_array_equal(got.target_class, [row["class"] for row in want["rows"]])
    np.testing.assert_array_equal(got.gap, [row["gap"] for row in want["rows"]])
    # A loaded model is the same model.
    np.testing.assert_array_equal(gradc.explain(gradc.load(str(model)), data).values, got.values)


def test_a_linear_models_integrated_gradients():
    x = np.linspace(-1, 1, 30)
    fitted = gradc.fit("w*x + b", data={"x": x, "y": 3 * x - 0.5}, target="y")
    w = fitted.params["w"]
    rows = {"x": np.array([-0.5, 0.25, 2.0])}
    ig = gradc.explain(fitted.model, rows, baseline={"x": 0.5})
    np.testing.assert_allclose(ig.values[:, 0], w * (rows["x"] - 0.5), rtol=1e-14)
    assert not ig.exact and list(ig.steps) == [16, 16, 16]
    saliency = gradc.explain(fitted.model, rows, "saliency")
    np.testing.assert_allclose(saliency.values[:, 0], w, rtol=1e-15)
    assert saliency.gap is None and saliency.target_class is None
    smooth = gradc.explain(fitted.model, rows, "smoothgrad", seed=3)
    np.testing.assert_array_equal(smooth.values, gradc.explain(fitted.model, rows, "smoothgrad", seed=3).values)


def test_explain_refuses_with_gradcs_messages(repo):
    with pytest.raises(gradc.Error, match="choose saliency, gradient-x-input"):
        gradc.explain(repo / "docs/data/xor_model.json", repo / "docs/data/xor.csv", "lime")
    with pytest.raises(gradc.DataError, match="no column 'a', which the model reads"):
        gradc.explain(repo / "docs/data/xor_model.json", {"x": np.ones(2)})
    with pytest.raises(ValueError, match="the baseline has no value for b"):
        gradc.explain(repo / "docs/data/xor_model.json", repo / "docs/data/xor.csv", baseline={"a": 0.0})
    with pytest.raises(TypeError, match="a gradc.Model .* or a model file's path"):
        gradc.explain(42, repo / "docs/data/xor.csv")
