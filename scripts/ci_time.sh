#!/usr/bin/env bash
# Times .ci/run as CI runs it: from a fresh clone of COMMIT (default HEAD) with an empty
# ccache (cold), then from another fresh clone with the cache the first run filled (warm).
# Prints each stage's minutes (the stages are .ci/run's "== " lines) and the total.
# The packages are installed first, apart, and their time printed on its own line.
#   scripts/ci_time.sh [COMMIT]       (takes as long as two CI runs; keep the machine quiet)
# RUNS="cold" measures the cold run only; KEEP=1 keeps the clones and their build trees.
set -euo pipefail
cd "$(dirname "$0")/.."
commit="$(git rev-parse "${1:-HEAD}")"
work="$(mktemp -d /tmp/gradc-ci-time.XXXXXX)"
export CCACHE_DIR="$work/ccache"

start=$(date +%s)
scripts/setup.sh
echo "packages: $(( $(date +%s) - start )) s"

# Runs .ci/run in a new clone, printing "stage: minutes" for each stage and in all.
run() {
  local label="$1" clone="$work/$1"
  git clone -q --no-local "$PWD" "$clone"
  git -C "$clone" checkout -q "$commit"
  local log="$work/$label.log" status=0
  (cd "$clone" && CI=true .ci/run) 2>&1 | while IFS= read -r line; do printf '%(%s)T %s\n' -1 "$line"; done \
    > "$log" || status=$?
  awk -v label="$label" '
    NR == 1 { first = $1 }
    $2 == "==" { if (name != "") printf "  %-70s %6.1f min\n", name, ($1 - since) / 60
                 name = substr($0, index($0, "==")); since = $1 }
    { last = $1 }
    END { if (name != "") printf "  %-70s %6.1f min\n", name, (last - since) / 60
          printf "%s total: %.1f min\n", label, (last - first) / 60 }' "$log"
  [ "$status" -eq 0 ] || { echo "$label: .ci/run failed; its output is in $log" >&2; exit 1; }
}

echo "commit $commit, $(nproc) cores"
for label in ${RUNS:-cold warm}; do run "$label"; done
if [ "${KEEP:-0}" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
