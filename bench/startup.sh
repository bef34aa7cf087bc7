#!/usr/bin/env bash
# Start-up time of the gradc command: for each command below, the median (and the
# fastest) wall time of RUNS whole processes (default 20, after two warm-up runs),
# timed with bash's $EPOCHREALTIME so that no timing process is counted; with
# /usr/bin/time, also the page faults of one run. Prints the executables' sizes first,
# and /bin/true as the floor: what starting any process costs on the machine right now.
#
#   bench/startup.sh [DIR]     DIR holds gradc (default: build/release/tools)
#
# Commands that generate no code run in gradc alone; the others exec gradc-llvm from
# gradc's folder (tools/codegen.hpp). The last line times gradc-llvm started directly.
set -euo pipefail
dir=${1:-build/release/tools}
runs=${RUNS:-20}
gradc=$dir/gradc
[ -x "$gradc" ] || { echo "no gradc in $dir: build it first (cmake --build --preset release --target gradc_cli)" >&2; exit 2; }

for exe in "$dir/gradc" "$dir/gradc-llvm"; do
  [ -e "$exe" ] && stat -c '%s %n' "$exe" | awk '{ printf "%-40s %6.1f MB\n", $2, $1 / 1048576 }'
done
echo

median_ms() {
  local -a times=()
  local i start end
  for i in 1 2; do "$@" >/dev/null 2>&1 || true; done
  for ((i = 0; i < runs; ++i)); do
    start=${EPOCHREALTIME//[.,]/}
    "$@" >/dev/null 2>&1 || true
    end=${EPOCHREALTIME//[.,]/}
    times+=($((end - start)))
  done
  printf '%s\n' "${times[@]}" | sort -g | awk -v n="$runs" '
    { t[NR] = $1 / 1000 }
    END { m = (n % 2) ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2; printf "%7.1f ms  (fastest %5.1f)", m, t[1] }'
}

faults() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%R' "$@" 2>&1 >/dev/null | tail -1
  else
    echo "-"
  fi
}

run() {
  printf '%-58s %s  %6s faults\n' "$*" "$(median_ms "$@")" "$(faults "$@")"
}

echo "median of $runs processes"
run /bin/true
run "$gradc" "x^2*sin(y)"
run "$gradc" grad "x^2*sin(y)" --at x=1,y=2
run "$gradc" emit "x^2*sin(y)" --format c
run "$gradc" grad "x^2*sin(y)" --at x=1,y=2 --jit
run "$gradc" eval "x^2*sin(y)" --at x=1,y=2 --jit
if [ -x "$dir/gradc-llvm" ]; then
  run "$dir/gradc-llvm" "x^2*sin(y)"
fi
