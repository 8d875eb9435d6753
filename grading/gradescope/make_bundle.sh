#!/usr/bin/env bash
# Builds autograder.zip for Gradescope: setup.sh and run_autograder at the zip's root, next to the grader's source
# (Package.swift, Package.resolved, Sources/, Exercises/, Solutions/, grading/). Build products are left out;
# setup.sh builds in the Gradescope image.
#   grading/gradescope/make_bundle.sh [OUTPUT.zip] [ASSIGNMENT]
# OUTPUT.zip defaults to autograder.zip in the current folder; ASSIGNMENT (a name from grading/manifest.json's
# "assignments") to the manifest's first. Make one bundle per Gradescope assignment.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
output="$(realpath -m "${1:-autograder.zip}")"
assignment="${2:-}"
# A quick check for typos (the grader validates the manifest itself when it runs).
if [ -n "$assignment" ] && ! sed -n '/"assignments"/,$p' "$root/grading/manifest.json" | grep -q "\"name\": *\"$assignment\""; then
    echo "grading/manifest.json has no assignment named '$assignment'; see its \"assignments\" list." >&2
    exit 2
fi
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

cp "$root/grading/gradescope/setup.sh" "$root/grading/gradescope/run_autograder" "$stage/"
for item in Package.swift Package.resolved Sources Exercises Solutions grading; do
    [ -e "$root/$item" ] && cp -R "$root/$item" "$stage/"
done
rm -rf "$stage/grading/gradescope"
[ -n "$assignment" ] && printf '%s\n' "$assignment" > "$stage/assignment"
rm -f "$output"
(cd "$stage" && zip -qr "$output" .)
echo "Wrote $output"
