"""gradc.grad() and gradc.hessian(): the command line's text, and derivatives that are right."""

import subprocess

import pytest

import gradc

FORMULAS = [
    "x^2*sin(y)",
    "r = sqrt(x^2 + y^2); r*sin(r)",
    "log(1 + exp(a*x)) - b*x",
    "where(x > 0, x^3, -x) + max(x, y)",
    "atan2(y, x) + hypot(x, y)/z",
    "omega_0*lambd + tanh(gamma)",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_grad_prints_what_the_command_prints(cli, text):
    command = subprocess.run([cli, "grad", text], capture_output=True, text=True, check=True)
    assert str(gradc.grad(text)) == command.stdout.rstrip("\n")
    ascii = subprocess.run([cli, "grad", text, "--ascii"], capture_output=True, text=True, check=True)
    assert gradc.grad(text).text(ascii=True) == ascii.stdout.rstrip("\n")


def test_grad_by_chosen_variables_and_indexing():
    g = gradc.grad("x^2*sin(y)", wrt=["y"])
    assert len(g) == 1 and g.keys() == ["y"]
    assert str(g["y"]) == "x^2*cos(y)"
    assert str(g[0]) == str(g[-1]) == "x^2*cos(y)"
    with pytest.raises(KeyError, match="no partial derivative by x"):
        g["x"]
    with pytest.raises(ValueError, match="wrt names z, which the formula does not use"):
        gradc.grad("x^2*sin(y)", wrt="z")
    with pytest.raises(ValueError, match="twice"):
        gradc.grad("x*y", wrt=["x", "x"])


def test_grad_of_an_expression_and_its_partials_evaluate_right():
    x, y = gradc.Context().symbols("x y")
    f = x**2 * gradc.sin(y)
    g = gradc.grad(f)
    assert g.value == f
    assert [v.name for v in g.wrt] == ["x", "y"]
    at = dict(x=2.0, y=0.5)
    h = 1e-6
    for name, partial in g.items():
        step = dict(at)
        step[name] += h
        back = dict(at)
        back[name] -= h
        central = (f.evaluate(**step) - f.evaluate(**back)) / (2 * h)
        assert partial.evaluate(**at) == pytest.approx(central, rel=1e-8)


def test_latex_for_notebooks():
    latex = gradc.grad("x^2*sin(y)")._repr_latex_()
    assert latex.startswith("$$\\begin{aligned}") and latex.endswith("\\end{aligned}$$")
    assert r"\frac{\partial f}{\partial x} &= 2 x \sin\left(y\right) \\ " in latex
    assert r"\frac{\partial f}{\partial y} &= x^{2} \cos\left(y\right)" in latex


def test_hessian_is_symmetric_and_right():
    h = gradc.hessian("x^3*y + exp(x*y)")
    at = dict(x=0.5, y=-1.5)
    assert h[0][1] == h[1][0]
    import math
    e = math.exp(0.5 * -1.5)
    assert h[0][0].evaluate(**at) == pytest.approx(6 * 0.5 * -1.5 + 1.5**2 * e, rel=1e-14)
    assert h[0][1].evaluate(**at) == pytest.approx(3 * 0.5**2 + e + 0.5 * -1.5 * e, rel=1e-14)
    assert h[1][1].evaluate(**at) == pytest.approx(0.5**2 * e, rel=1e-14)
