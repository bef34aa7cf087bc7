"""Builds gradc's Python extension with the project's own CMake (the `gradc_python`
target: the C++ library and the pybind11 module, optimized) and puts it in the package.

setuptools drives CMake because Debian 12 has no scikit-build; pyproject.toml holds the
package's metadata. The build tree is build/python-wheel, kept between installs so that
a second `pip install .` only rebuilds what changed.
"""

import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = ROOT / "build" / "python-wheel"
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja",
            "-DCMAKE_BUILD_TYPE=Release",
            "-DGRADC_BUILD_PYTHON=ON", "-DGRADC_BUILD_TESTS=OFF", "-DGRADC_BUILD_BENCH=OFF",
            "-DGRADC_LLVM_LINK=shared",
            # The interpreter running this build is the one the module is for.
            f"-DGRADC_PYTHON={sys.executable}",
        ]
        if shutil.which("ccache"):
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "gradc_python"], check=True)
        name = pathlib.Path(self.get_ext_filename(ext.name)).name
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(build / "python" / "gradc" / name, target)


setup(ext_modules=[CMakeExtension("gradc._gradc")], cmdclass={"build_ext": CMakeBuild})
