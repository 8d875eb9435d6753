#!/bin/bash
# Grades a class on a Slurm cluster: a job array of SHARDS shards, at most PARALLEL at once, then the merge as a
# dependent job. Prints the two job ids (array, merge).
#
#   grading/cluster/slurm/submit.sh SUBMISSIONS OUT SHARDS [PARALLEL] [-- batch options, e.g. --seed 7]
#
# Run it from the course package (or set GRADER_PACKAGE); GRADER names the grader binary (default: grader on PATH).
# Extra sbatch options (partition, account) go in SBATCH_EXTRA, e.g. SBATCH_EXTRA="--partition=teaching".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 3 ]; then
  echo "usage: $0 SUBMISSIONS OUT SHARDS [PARALLEL] [-- batch options]" >&2
  exit 2
fi
submissions=$(realpath "$1") out=$(realpath -m "$2") shards=$3
shift 3
parallel=$shards
if [ $# -gt 0 ] && [ "$1" != "--" ]; then parallel=$1; shift; fi
[ "${1:-}" = "--" ] && shift
mkdir -p "$out/logs"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_EXTRA:-} --array="0-$((shards - 1))%$parallel" \
  --output="$out/logs/shard-%a.out" "$here/grade-shard.sbatch" "$submissions" "$out" "$shards" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_EXTRA:-} --dependency="afterany:$array" --kill-on-invalid-dep=no \
  --output="$out/logs/merge.out" "$here/merge.sbatch" "$out" "$submissions")
merge=${merge%%;*}
echo "$array $merge"
