"""Faults in the middle of a long run: signals and a full disk must leave the previous report.

Issue 11, must-show 3. A register of 200,000 rows (benchmarks/register_memory.py's generator:
Chinese headers, areas in 亩, ~1 % bad rows) is checked with `--format jsonl --output out.jsonl`,
with `--jobs 1` and `--jobs 2`, in its own process group (as a shell or a supervisor starts it).
Once the temporary report has received verdicts, the script sends:

* SIGINT to the whole group (Ctrl-C at a terminal)      -> exit 130
* SIGTERM to the parent only (`kill PID`, a supervisor) -> exit 143
* SIGTERM to the whole group (`kill -- -PGID`)          -> exit 143
* SIGHUP to the parent only (the terminal closed)       -> exit 129

and, separately, runs the same command with its output on a full disk (a 1 MiB tmpfs mounted for
the run when the machine allows it, `/dev/full` otherwise) -> exit 2 with a plain message.

After each: the previous report is byte for byte the same, no `.out.jsonl.*.partial` is left,
and no process of the run's process group is alive (read from /proc; a zombie counts as ended),
and stderr holds no traceback. The script prints a markdown table and exits 1 if any check fails.

    python benchmarks/faults.py                 # 200,000 rows, --jobs 1 and 2
    python benchmarks/faults.py --rows 20000    # quicker
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

OLD_REPORT = b'{"an": "old report", "must": "survive"}\n'
COMMAND = (sys.executable, "-m", "landrules")
SIGNALS = (
    ("SIGINT to the group", signal.SIGINT, True, 130),
    ("SIGTERM to the parent", signal.SIGTERM, False, 143),
    ("SIGTERM to the group", signal.SIGTERM, True, 143),
    ("SIGHUP to the parent", signal.SIGHUP, False, 129),
)


@dataclass
class Outcome:
    fault: str
    jobs: int
    exit_code: int | None
    expected: int
    output_intact: bool
    leftovers: list[str]
    alive: list[int]
    seconds: float
    stderr: str
    stop_seconds: float | None = None  # from the signal to the end of the run

    @property
    def ok(self) -> bool:
        return (
            self.exit_code == self.expected
            and self.output_intact
            and not self.leftovers
            and not self.alive
            and "Traceback" not in self.stderr
            and "internal error" not in self.stderr
        )


def make_register(path: Path, rows: int) -> Path:
    from register_memory import write_csv

    write_csv(path, rows)
    return path


def group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) of a process group, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state ppid pgrp ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "LANG": "C.UTF-8"}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # renamed or removed meanwhile
        return 0


def _partials(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.glob(f".{name}.*.partial"))


def _wait(child: subprocess.Popen[bytes], seconds: float) -> tuple[bytes, list[int]]:
    """The child's stderr once it has ended, and the processes of its group still alive then.

    A run whose stderr is still open after `seconds` hung (an orphaned worker holds the pipe):
    its group is killed, after noting who was left.
    """
    try:
        stderr = child.communicate(timeout=seconds)[1]
    except subprocess.TimeoutExpired:
        members = group_members(child.pid)
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        return f"HUNG for {seconds:.0f} s ({len(members)} processes)".encode(), members
    time.sleep(0.2)  # let orphans, if any, be re-parented; then look
    return stderr, group_members(child.pid)


def run_signal(
    register: Path,
    folder: Path,
    jobs: int,
    signum: int,
    group: bool,
    expected: int,
    fault: str,
    after_bytes: int = 1,
    hang: float = 120,
) -> Outcome:
    """Start a run, wait until it has written `after_bytes` of its report, send the signal, and
    look at what is left."""
    out = folder / "out.jsonl"
    out.write_bytes(OLD_REPORT)
    for stale in folder.glob(".out.jsonl.*.partial"):  # left by an earlier fault: not this run's
        stale.unlink()
    args = [*COMMAND, "check", str(register), "--format", "jsonl", "--output", str(out)]
    child = subprocess.Popen(
        [*args, "--jobs", str(jobs)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a shell job
    )
    start = time.monotonic()
    try:
        deadline = start + 120
        while not any(_size(p) >= after_bytes for p in folder.glob(".out.jsonl.*.partial")):
            if child.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if jobs > 1:  # the pool is up: the workers are in the group
            while len(group_members(child.pid)) < jobs + 1 and time.monotonic() < deadline:
                time.sleep(0.02)
        sent = time.monotonic()
        if child.poll() is None:
            if group:
                os.killpg(child.pid, signum)
            else:
                os.kill(child.pid, signum)
        stderr, alive = _wait(child, hang)
        stopped = time.monotonic() - sent
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    elapsed = time.monotonic() - start
    outcome = Outcome(
        fault,
        jobs,
        child.returncode,
        expected,
        out.read_bytes() == OLD_REPORT,
        _partials(folder, out.name),
        alive,
        elapsed,
        stderr.decode("utf-8", "replace"),
        stopped,
    )
    with contextlib.suppress(ProcessLookupError):  # leave the machine as found
        os.killpg(child.pid, signal.SIGKILL)
    return outcome


@contextmanager
def small_disk() -> Iterator[tuple[Path, str]]:
    """A folder on a 1 MiB tmpfs (root, Linux), or `/dev/full` where mounting is not allowed."""
    folder = Path(tempfile.mkdtemp(prefix="landrules-full-"))
    mounted = False
    if sys.platform.startswith("linux") and shutil.which("mount"):
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
        mounted = done.returncode == 0
    try:
        if mounted:
            yield folder / "out.jsonl", "1 MiB tmpfs"
        else:
            yield Path("/dev/full"), "/dev/full"
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def run_disk_full(register: Path, jobs: int) -> Outcome:
    with small_disk() as (out, how):
        real_file = out != Path("/dev/full")
        if real_file:
            out.write_bytes(OLD_REPORT)
        args = [*COMMAND, "check", str(register), "--format", "jsonl", "--output", str(out)]
        child = subprocess.Popen(
            [*args, "--jobs", str(jobs)],
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        start = time.monotonic()
        try:
            stderr, alive = _wait(child, 600)
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        elapsed = time.monotonic() - start
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        text = stderr.decode("utf-8", "replace")
        return Outcome(
            f"disk full ({how})",
            jobs,
            child.returncode,
            2,
            (out.read_bytes() == OLD_REPORT) if real_file else "disk is full" in text,
            _partials(out.parent, out.name) if real_file else [],
            alive,
            elapsed,
            text,
        )


def say(text: str = "", stream: object = None) -> None:
    out = stream if stream is not None else sys.stdout
    out.write(text + "\n")  # type: ignore[attr-defined]
    out.flush()  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument(
        "--after-mib", type=float, default=16, help="signal once the report holds this much"
    )
    parser.add_argument(
        "--hang", type=float, default=120, help="seconds after which a run counts as hung"
    )
    args = parser.parse_args()
    jobs_list = [int(j) for j in args.jobs.split(",")]
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="landrules-faults-") as tmp:
        folder = Path(tmp)
        register = make_register(folder / "register.csv", args.rows)
        say(f"register: {args.rows:,} rows, {register.stat().st_size:,} bytes")
        for jobs in jobs_list:
            for fault, signum, group, expected in SIGNALS:
                after = int(args.after_mib * (1 << 20))
                outcome = run_signal(
                    register, folder, jobs, signum, group, expected, fault, after, args.hang
                )
                outcomes.append(outcome)
                say(f"  {fault}, --jobs {jobs}: {outcomes[-1].ok}", sys.stderr)
            outcomes.append(run_disk_full(register, jobs))
            say(f"  disk full, --jobs {jobs}: {outcomes[-1].ok}", sys.stderr)
    say()
    say(
        "| fault | --jobs | exit (expected) | previous output | temporary files "
        "| processes left | run | signal to exit | stderr |"
    )
    say("|---|---:|---|---|---|---|---:|---:|---|")
    for o in outcomes:
        last = o.stderr.strip().splitlines()[-1] if o.stderr.strip() else ""
        last = last.split("error[output] ", 1)[-1]  # the temporary folder's name says nothing
        say(
            f"| {o.fault} | {o.jobs} | {o.exit_code} ({o.expected}) "
            f"| {'identical' if o.output_intact else 'CHANGED'} | {len(o.leftovers)} "
            f"| {len(o.alive)} | {o.seconds:.1f} s "
            f"| {'—' if o.stop_seconds is None else f'{o.stop_seconds:.1f} s'} | `{last[:100]}` |"
        )
    failed = [o for o in outcomes if not o.ok]
    say(f"\n{len(outcomes) - len(failed)}/{len(outcomes)} faults handled as documented")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
