#!/usr/bin/env bash
# Builds autograder.zip for Gradescope; the same as `grader gradescope --out OUTPUT.zip [--assignment NAME]`
# (which see for the course secret and per-student inputs):
#   grading/gradescope/make_bundle.sh [OUTPUT.zip] [ASSIGNMENT] [more grader gradescope options...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
output="$(realpath -m "${1:-autograder.zip}")"
args=(--out "$output")
[ -n "${2:-}" ] && args+=(--assignment "$2")
cd "$root"
swift build --product grader >/dev/null
exec "$root/.build/debug/grader" gradescope "${args[@]}" "${@:3}"
