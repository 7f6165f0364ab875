"""Benchmarks (`make bench`): synthetic lakes, page query sets, ingest, compaction, pandas and PM4Py peers."""


def peak_mib() -> float:
    """This process's peak RSS (VmHWM), in MiB: reset at exec, so it is the fresh process's own peak
    (ru_maxrss of a forked child would include the parent's RSS at fork time on Linux)."""
    with open("/proc/self/status") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
    return kib / 1024
