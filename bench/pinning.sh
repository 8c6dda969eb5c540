# Sourced by run.sh and metrics.sh: where the workloads that compare rates or measure a daemon's
# CPU run their processes. The server under test (stationd, or the C server it is compared with) on
# CPU 0, the load on CPU 1, on a machine with two cores or more; nothing is pinned on one core.
# Unpinned, where the scheduler puts the servers' threads among the load generator's moves a round's
# rate and the daemon's CPU by tens of per cent from run to run (bimodal rounds), and one run could
# not tell a change from noise. EnrichBench reads the same two prefixes from the environment.
ON_SERVER_CPU= ON_LOAD_CPU=
if [[ $(nproc) -ge 2 ]]; then ON_SERVER_CPU="taskset -c 0"; ON_LOAD_CPU="taskset -c 1"; fi
export STATIOND_BENCH_ON_SERVER_CPU=$ON_SERVER_CPU STATIOND_BENCH_ON_LOAD_CPU=$ON_LOAD_CPU
