"""Expressions built with Python's operators are the parser's own nodes."""

import math

import numpy as np
import pytest

import gradc


@pytest.fixture
def ctx():
    return gradc.Context()


@pytest.mark.parametrize("build,text", [
    (lambda x, y: x**2 * gradc.sin(y), "x^2*sin(y)"),
    (lambda x, y: 2 * x + y / 3 - 1, "2*x + y/3 - 1"),
    (lambda x, y: -x ** y, "-x^y"),
    (lambda x, y: 1 - 1 / (1 + gradc.exp(-x)), "1 - 1/(1 + exp(-x))"),
    (lambda x, y: gradc.where(x > y, x, y) + abs(x), "where(x > y, x, y) + abs(x)"),
    (lambda x, y: gradc.atan2(y, x) * gradc.hypot(x, 2), "atan2(y, x)*hypot(x, 2)"),
    (lambda x, y: 2.5 ** x + np.float64(3) * y, "2.5^x + 3*y"),
    (lambda x, y: gradc.ln(x) + gradc.logistic(y), "log(x) + sigmoid(y)"),
])
def test_operators_build_the_parsed_node(ctx, build, text):
    x, y = ctx.symbols("x y")
    built = build(x, y)
    parsed = ctx.parse(text)
    assert built == parsed  # hash-consing: equal expressions are one node
    assert hash(built) == hash(parsed)
    assert str(built) == str(parsed)
    assert ctx.parse(str(built)) == built  # the printed text reads back as the same node


def test_the_default_context_serves_module_functions():
    x, y = gradc.symbols("x, y")
    assert x.context is gradc.default_context() or x.context == gradc.default_context()
    assert (x * gradc.cos(y)) == gradc.parse("x*cos(y)")


def test_expressions_of_two_contexts_do_not_mix():
    a, b = gradc.Context(), gradc.Context()
    x = a.var("x")
    y = b.var("y")
    with pytest.raises(ValueError, match="different gradc.Context"):
        x + y
    with pytest.raises(ValueError, match="different gradc.Context"):
        gradc.hypot(x, y)
    # The same name in two contexts: two different variables.
    assert a.var("z") != b.var("z")


def test_wrong_operands_and_arity_are_refused(ctx):
    x = ctx.var("x")
    with pytest.raises(TypeError, match="parse text with gradc.parse"):
        x + "y"
    with pytest.raises(TypeError, match="list"):
        x * [1, 2]
    with pytest.raises(TypeError, match=r"atan2\(\) takes 2 arguments \(1 given\)"):
        gradc.atan2(x)
    with pytest.raises(ValueError, match="not a variable name"):
        ctx.var("2x")
    with pytest.raises(ValueError, match="not a variable name"):
        ctx.symbols("x sin(y)")
    with pytest.raises(ValueError, match=r"a constant or a function \(pi, e, inf, nan, sin"):
        ctx.symbols("x pi")
    with pytest.raises(ValueError, match="not a variable name"):
        x.diff("2y")


def test_inspection(ctx):
    e = ctx.parse("x^2*sin(y) + 3")
    assert [v.name for v in e.variables] == ["x", "y"]
    assert e.op == "+"
    assert {str(a) for a in e.args} == {"x^2*sin(y)", "3"}
    assert e.args[0].is_constant or e.args[1].is_constant
    assert float(ctx.parse("2^10")) == 1024.0  # folded by the factory
    with pytest.raises(TypeError, match="not a number"):
        float(e)
    with pytest.raises(ValueError, match="not a variable"):
        e.name


def test_evaluate_is_the_interpreter(ctx):
    e = ctx.parse("x^2*sin(y)")
    assert e.evaluate(x=2.0, y=0.5) == 4.0 * math.sin(0.5)
    with pytest.raises(gradc.SemanticError, match="no value for y"):
        e.evaluate(x=1.0)
    with pytest.raises(gradc.SemanticError, match="does not use z"):
        e.evaluate(x=1.0, y=2.0, z=3.0)


def test_diff_and_simplify(ctx):
    x, y = ctx.symbols("x y")
    e = x**3 * y
    at = dict(x=1.5, y=-0.25)
    assert e.diff(x).evaluate(**at) == 3 * 1.5**2 * -0.25
    assert e.diff("x", 2).simplify().evaluate(**at) == 6 * 1.5 * -0.25
    assert float(e.diff(x, 4).simplify()) == 0.0
    assert e.diff(x, 0) == e
    assert str(ctx.parse("x + x").simplify()) == "2*x"


def test_latex_and_dot(ctx):
    e = ctx.parse("sqrt(x)/y")
    assert e.latex() == r"\frac{\sqrt{x}}{y}"
    assert e._repr_latex_() == "$" + e.latex() + "$"
    assert e.dot().startswith("digraph")


def test_node_limit_is_a_limit_error(ctx):
    ctx.max_nodes = ctx.node_count + 3
    x = ctx.var("x")
    with pytest.raises(gradc.LimitError):
        e = x
        for k in range(10):
            e = gradc.sin(e)
