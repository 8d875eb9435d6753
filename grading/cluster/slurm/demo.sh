#!/bin/bash
# `make cluster-demo`: a throwaway single-node Slurm cluster (munged, slurmctld and slurmd started here, with a
# slurm.conf generated in a temporary folder) grades the sample class through the real recipe (submit.sh: a job
# array of shards, then the merge as a dependent job), and the merged grades.csv is compared with a single
# `grader batch` run's. Exit status 0 when they are equal; 3 when Slurm could not be started here (nothing graded).
#
#   grading/cluster/slurm/demo.sh [GRADER] [SHARDS] [PARALLEL]
#
# Needs root (munged and slurmd run as root here) and Debian's slurm-wlm (slurmctld, slurmd, munge).
# CLUSTER_DEMO_OUT=DIR keeps the merged class there; CLUSTER_DEMO_SKIP_SINGLE=1 skips the single run (the
# integration test compares the merged reports with the sample class's pinned verdicts instead).
set -uo pipefail
package=$(cd "$(dirname "$0")/../../.." && pwd)
grader=$(realpath "${1:-$package/.build/debug/grader}")
shards=${2:-4}
parallel=${3:-2}
seed=7
samples=$package/grading/samples
work=$(mktemp -d /tmp/grader-slurm-demo.XXXXXX)
chmod 755 "$work"
pids=()
started=$EPOCHREALTIME

say() { echo "[cluster-demo $(awk "BEGIN { printf \"%6.1f\", $EPOCHREALTIME - $started }") s] $*"; }
stop() {
  # Only what this script started, by process id, newest first.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
cannot_start() {
  say "Slurm could not be started here: $*"
  for log in "$work"/*.log; do [ -s "$log" ] && { echo "--- $log"; tail -n 15 "$log"; }; done
  stop
  exit 3
}
trap stop EXIT

for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$tool" >/dev/null || cannot_start "$tool is not installed (Debian: apt-get install slurm-wlm)."
done
[ "$(id -u)" = 0 ] || cannot_start "it must run as root (munged and slurmd are started by this script)."
[ -x "$grader" ] || { echo "The grader binary $grader is not built (swift build --product grader)." >&2; exit 2; }

# munge: its own key and socket in the temporary folder.
mkdir -p "$work/munge" && chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/seed" >"$work/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/socket" ] && break; sleep 0.1; done
[ -S "$work/munge/socket" ] || cannot_start "munged did not open its socket."

# slurm.conf: this host as controller and only node, ports of its own, state under the temporary folder.
host=$(hostname -s)
cpus=$(nproc)
memory=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
port=$((20000 + $$ % 20000))
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=graderdemo
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=600
MailProg=/bin/true
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=${memory:-4096} State=UNKNOWN
PartitionName=demo Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "${state:-}" = idle ] || cannot_start "the node did not become idle (sinfo says '${state:-nothing}')."
say "Slurm is up: node $host, $cpus CPUs, ${memory:-4096} MiB; slurm.conf in $work."

# The recipe, as an instructor runs it. Shards ask for 1 CPU and 3 GiB each (grade-shard.sbatch).
cd "$package" || exit 2
export GRADER="$grader"
read -r array merge < <(grading/cluster/slurm/submit.sh "$samples" "$work/out" "$shards" "$parallel" -- --seed "$seed") \
  || { echo "sbatch failed." >&2; exit 1; }
[ -n "${merge:-}" ] || { echo "sbatch did not queue the jobs." >&2; exit 1; }
say "Submitted the array job $array (--array=0-$((shards - 1))%$parallel) and the merge job $merge (afterany:$array)."

while [ -n "$(squeue -h -j "$array,$merge" -o %i 2>/dev/null)" ]; do sleep 1; done
say "Every job has ended."
failed=0
job_state() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*\|ExitCode=[0-9:]*' | tr '\n' ' '; }
for ((k = 0; k < shards; k++)); do
  state=$(job_state "${array}_$k")
  echo "  shard task $k: $state $(tail -n 1 "$work/out/logs/shard-$k.out" 2>/dev/null | cut -c1-60)"
  [[ $state == "JobState=COMPLETED ExitCode=0:0 " ]] || failed=1
done
state=$(job_state "$merge")
echo "  merge job: $state"
[[ $state == "JobState=COMPLETED ExitCode=0:0 " ]] || failed=1
echo "--- merge job output ($work/out/logs/merge.out):"
cat "$work/out/logs/merge.out"
if [ "$failed" = 1 ]; then
  say "A job did not complete with exit status 0 (files kept in $work)."
  tail -n 20 "$work"/out/logs/*.out
  trap - EXIT; stop; exit 1
fi
if [ -n "${CLUSTER_DEMO_OUT:-}" ]; then
  rm -rf "$CLUSTER_DEMO_OUT" && cp -r "$work/out" "$CLUSTER_DEMO_OUT"
fi
if [ "${CLUSTER_DEMO_SKIP_SINGLE:-0}" = 1 ]; then
  stop; trap - EXIT; rm -rf "$work"
  say "Done (no single run to compare with)."
  exit 0
fi

say "A single batch run of the same class for comparison:"
"$grader" batch "$samples" --out "$work/single" --seed "$seed" --jobs "$cpus" >/dev/null 2>"$work/single.log" \
  || { echo "The single batch run failed:"; cat "$work/single.log"; exit 1; }
stop
trap - EXIT
if cmp -s "$work/single/grades.csv" "$work/out/grades.csv"; then
  say "The merged grades.csv equals the single run's ($(($(wc -l <"$work/out/grades.csv") - 1)) students):"
  cat "$work/out/grades.csv"
  rm -rf "$work"
  exit 0
fi
say "The merged grades.csv differs from the single run's (files kept in $work):"
diff "$work/single/grades.csv" "$work/out/grades.csv"
exit 1
