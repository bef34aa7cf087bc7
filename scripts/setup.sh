#!/usr/bin/env bash
# Installs the Debian packages gradc needs to build and test, when they are missing.
# As root it runs apt-get; otherwise it prints the exact command to run and stops.
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache        # toolchain
  libboost-dev                        # Spirit X3 (headers only)
  libcli11-dev                        # the command line
  nlohmann-json3-dev                  # reading model files (headers only)
  catch2                              # tests (v2)
  libbenchmark-dev                    # bench/
  llvm-19-dev lld-19                  # code generation and the JIT; lld links LLVM statically
  zlib1g-dev libzstd-dev libxml2-dev libz3-dev  # what LLVM's static archives link against
  clang-19 libclang-rt-19-dev         # the libFuzzer targets (tests/fuzz)
  clang-format-19                     # the layout check (scripts/format.sh)
  python3-torch python3-numpy         # the PyTorch comparison test (bench/pytorch/compare_fit.py)
  python3-dev pybind11-dev python3-pybind11   # the Python module (python/)
  python3-pytest python3-sympy        # its tests; SymPy and mpmath are the derivatives' oracle
  python3-venv python3-pip python3-setuptools  # `pip install .` into a virtual environment
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "gradc needs these Debian packages: ${missing[*]}" >&2
  echo "run:  sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd >/dev/null
