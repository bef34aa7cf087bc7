#!/usr/bin/env bash
# Lays out gradc's C++ sources with clang-format-19 and .clang-format.
#   scripts/format.sh          rewrite every tracked .cpp and .hpp in place
#   scripts/format.sh --check  change nothing; list the files that differ and exit 1 if any do
# The version is pinned: other clang-format versions lay out the same file differently.
set -euo pipefail
cd "$(dirname "$0")/.."
format=clang-format-19
command -v "$format" >/dev/null || { echo "format.sh: $format is missing (scripts/setup.sh installs it)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = --check ]; then
  # One process for all files; each difference is reported as "FILE:LINE:COL: error: ...".
  if ! report="$("$format" --dry-run -Werror "${files[@]}" 2>&1)"; then
    grep -oE '^[^:]+:[0-9]+' <<<"$report" | cut -d: -f1 | sort -u | sed "s/^/not laid out by $format: /"
    echo "run scripts/format.sh to lay them out" >&2
    exit 1
  fi
fi
"$format" -i "${files[@]}"
