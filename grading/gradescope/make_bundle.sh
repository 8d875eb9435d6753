#!/usr/bin/env bash
# Builds autograder.zip for Gradescope: setup.sh and run_autograder at the zip's root, next to the grader's source
# (Package.swift, Package.resolved, Sources/, Exercises/, Solutions/, grading/). Build products are left out;
# setup.sh builds in the Gradescope image.
#   grading/gradescope/make_bundle.sh [OUTPUT.zip]        (default: autograder.zip in the current folder)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
output="$(realpath -m "${1:-autograder.zip}")"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

cp "$root/grading/gradescope/setup.sh" "$root/grading/gradescope/run_autograder" "$stage/"
for item in Package.swift Package.resolved Sources Exercises Solutions grading; do
    [ -e "$root/$item" ] && cp -R "$root/$item" "$stage/"
done
rm -rf "$stage/grading/gradescope"
rm -f "$output"
(cd "$stage" && zip -qr "$output" .)
echo "Wrote $output"
