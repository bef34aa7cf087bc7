"""gradc's errors become Python exceptions of one small hierarchy, with the same messages."""

import subprocess

import pytest

import gradc


def test_the_hierarchy():
    assert issubclass(gradc.ParseError, gradc.Error) and issubclass(gradc.ParseError, ValueError)
    assert issubclass(gradc.SemanticError, gradc.Error) and issubclass(gradc.SemanticError, ValueError)
    assert issubclass(gradc.DataError, gradc.Error) and issubclass(gradc.DataError, ValueError)
    assert issubclass(gradc.LimitError, gradc.Error)
    assert issubclass(gradc.JitError, gradc.Error) and issubclass(gradc.JitError, RuntimeError)
    assert issubclass(gradc.Error, Exception)


@pytest.mark.parametrize("text", ["sin(x", "x +* y", "foo(x)", "atan2(x)", "x\n  + (y"])
def test_parse_errors_carry_the_commands_message_and_position(cli, text):
    with pytest.raises(gradc.ParseError) as caught:
        gradc.grad(text)
    command = subprocess.run([cli, "grad", text], capture_output=True, text=True)
    assert command.returncode == 2
    assert command.stderr == "gradc: error: " + str(caught.value) + "\n"
    error = caught.value
    lines = str(error).split("\n")
    assert lines[0] == f"line {error.line}, column {error.column}: {error.detail}"
    assert lines[1] == "  " + error.source_line
    assert lines[2] == "  " + " " * error.caret + "^"


def test_limit_error():
    with pytest.raises(gradc.LimitError, match="node"):
        ctx = gradc.Context()
        ctx.max_nodes = 2
        ctx.parse("x*y + z")


def test_semantic_error_from_the_library():
    with pytest.raises(gradc.SemanticError, match="no value for y"):
        gradc.parse("x*y").evaluate(x=1.0)


def test_data_error_names_line_and_column(cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n1,2\n3,abc\n")
    with pytest.raises(gradc.DataError) as caught:
        gradc.fit("w*x", data=path, target="y")
    assert (caught.value.line, caught.value.column) == (3, 3)
    command = subprocess.run([cli, "fit", "w*x", "--data", str(path), "--target", "y"], capture_output=True, text=True)
    assert command.returncode == 2
    assert command.stderr == "gradc: error: " + str(caught.value) + "\n"


def test_jit_error_for_an_unknown_cpu():
    with pytest.raises(gradc.JitError, match="no-such-cpu"):
        gradc.emit("x^2", "asm", cpu="no-such-cpu")


def test_other_errors_are_gradc_errors():
    with pytest.raises(gradc.Error, match="lbfgs"):
        gradc.minimize("x^2", {"x": 1.0}, method="newton")
    with pytest.raises(gradc.Error, match="2 results"):
        gradc.compile("x, y")
