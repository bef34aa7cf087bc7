"""gradc.emit(): kernels written ahead of time compute what the JIT's compute."""

import ctypes
import shutil
import subprocess

import pytest

import gradc

FORMULA = "x^2*sin(y) + exp(x)"


def test_c_source_compiles_and_agrees_with_the_jit(tmp_path):
    if not shutil.which("cc"):
        pytest.skip("no C compiler")
    source = tmp_path / "f.c"
    source.write_text(gradc.emit(FORMULA, "c", name="f") + """
#include <stdio.h>
int main(void) { double in[2] = {0.5, -1.25}, out[3]; f(in, out);
  printf("%.17g %.17g %.17g\\n", out[0], out[1], out[2]); return 0; }
""")
    subprocess.run(["cc", "-std=c99", "-fno-builtin", "-O2", str(source), "-o", str(tmp_path / "f"), "-lm"], check=True)
    printed = subprocess.run([str(tmp_path / "f")], check=True, capture_output=True, text=True).stdout.split()
    value, gradient = gradc.compile(FORMULA)(x=0.5, y=-1.25)
    assert [float(v) for v in printed] == [value, *gradient]


def test_shared_library_and_header(tmp_path):
    if not shutil.which("cc"):
        pytest.skip("no C compiler")
    header = gradc.emit(FORMULA, "so", name="kern", path=str(tmp_path / "libkern.so"))
    assert header == str(tmp_path / "libkern.h")
    assert "void kern(const double* in, double* out)" in (tmp_path / "libkern.h").read_text()
    lib = ctypes.CDLL(str(tmp_path / "libkern.so"))
    inputs, out = (ctypes.c_double * 2)(0.5, -1.25), (ctypes.c_double * 3)()
    lib.kern(inputs, out)
    value, gradient = gradc.compile(FORMULA)(x=0.5, y=-1.25)
    assert list(out) == [value, *gradient]


def test_other_formats():
    assert "define" in gradc.emit(FORMULA, "llvm")
    assert gradc.emit(FORMULA, "obj")[:4] == b"\x7fELF"
    assert "kern_input_count" in gradc.emit(FORMULA, "h", name="kern")
    with pytest.raises(ValueError, match="format is c, h, llvm, asm, obj or so"):
        gradc.emit(FORMULA, "pdf")
    with pytest.raises(ValueError, match="path="):
        gradc.emit(FORMULA, "so")
