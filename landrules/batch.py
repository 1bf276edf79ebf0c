"""Batch checking: many parcels from folders and registers, streamed one record at a time.

Reading yields `Item`s (a YAML file to read, or one register row already turned into parcel data);
evaluating an item yields a `Result` of plain data. Nothing here prints, and nothing about one
record outlives it, so the stream can run through a process pool unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from landrules.api import (
    check_parcel,
    decide_parcel,
    parcel_from_document,
    read_parcel_document,
)
from landrules.inputs import REGISTER_SUFFIXES
from landrules.items import Item
from landrules.model.parcel import Parcel
from landrules.paths import expand_paths, walk_inputs  # noqa: F401 - expand_paths: re-exported
from landrules.problems import InputError, Problem
from landrules.verdictdata import brief_data, brief_record, verdict_data

OUTCOMES = ("applies", "does_not_apply", "undetermined", "needs_review")


@dataclass(slots=True)
class Result:
    """What became of one item: its verdict as plain data, or the problems that stopped it."""

    item: Item
    verdict: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    full: Any = None  # the Verdict object, kept only when a detailed tree is to be printed
    rendered: str | None = None  # the output text, when a worker rendered it
    decided: dict[str, str] | None = None  # outcome per provision, kept when `verdict` is dropped
    warnings: list[Problem] = field(default_factory=list)  # implausible figures; never errors
    code: str = ""  # the parcel's code (宗地号), shown beside `file:row` (landrules.rowid)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def outcomes(self) -> dict[str, str]:
        if self.decided is not None:
            return self.decided
        if self.verdict is None:
            return {}
        return {p["id"]: p["outcome"] for p in self.verdict["provisions"]}


@dataclass(slots=True)
class Summary:
    """Counts per provision and outcome, plus input errors: the batch's closing line."""

    provisions: list[str]
    parcels: int = 0
    input_errors: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.counts = {p: dict.fromkeys(OUTCOMES, 0) for p in self.provisions}

    def add(self, result: Result) -> None:
        self.parcels += 1
        if not result.ok:
            self.input_errors += 1
            return
        for provision, outcome in result.outcomes.items():
            self.counts.setdefault(provision, dict.fromkeys(OUTCOMES, 0))[outcome] += 1

    def line(self) -> str:
        from landrules.i18n import t

        parts = [
            t("summary.provision", id=p)
            + t("tree.list_separator").join(
                t("summary.count", n=n, outcome=t(f"outcome.{o}")) for o, n in counts.items()
            )
            for p, counts in self.counts.items()
        ]
        one = "one" if self.input_errors == 1 else "many"
        errors = t(f"summary.input_errors_{one}", n=self.input_errors)
        one = "one" if self.parcels == 1 else "many"
        head = t(f"summary.parcels_{one}", n=self.parcels, errors=errors)
        return " · ".join([head, *parts])

    def to_dict(self) -> dict[str, Any]:
        return {"parcels": self.parcels, "input_errors": self.input_errors, "outcomes": self.counts}


def iter_items(
    paths: Iterable[Path],
    *,
    exclude: Iterable[str] = (),
    encoding: str | None = None,
    mapping: Path | None = None,
    register_limits: Any = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> Iterator[Item]:
    """Every parcel in the inputs, in order: YAML files whole, registers row by row; what
    cannot be read becomes an item carrying its problem, so it is reported and counted.

    `register_limits` (`inputs.RegisterLimits`) caps each register's rows, cells and workbooks.
    """
    for path in walk_inputs(paths, exclude):
        if isinstance(path, Problem):
            yield Item(path.path, problems=[path])
        elif path.suffix.lower() in REGISTER_SUFFIXES:
            from landrules.registers import iter_register

            yield from iter_register(
                path,
                encoding=encoding,
                mapping=mapping,
                limits=register_limits,
                header_row=header_row,
                sheet=sheet,
            )
        else:
            yield Item(str(path))


RECORDS = ("outcomes", "brief", "full")
"""What a result's `verdict` holds: nothing (the outcomes are decided, no explanation is built:
all a text line needs), the brief record (`verdictdata.brief_data`: JSON Lines, CSV, GeoJSON), or
the full explained verdict (`verdictdata.verdict_data`: `--detail`, CI findings)."""


def evaluate_item(
    pack: Any,
    item: Item,
    *,
    encoding: str | None = None,
    limits: Any = None,
    keep: bool = False,
    render: str | None = None,
    record: str = "full",
) -> Result:
    """Read (if needed), validate and check one item; input problems become data, never raise.

    `record` is one of RECORDS; `keep` also keeps the Verdict object (a tree is to be printed).
    With `render` (an output format), the result carries its output text instead of the verdict
    data, so that a worker process sends back a string rather than a large nested dict.
    """
    try:
        result = _identified(item, _evaluate(pack, item, encoding, limits, keep, record))
        if render is not None:
            from landrules.report.batch import RENDERERS

            result.rendered = RENDERERS[render](result)
            result.decided = result.outcomes
            result.verdict = None
    except Exception:  # one parcel's crash must not take the batch down
        result = _identified(item, _crashed(item))
        if render is not None:
            from landrules.report.batch import RENDERERS

            result.rendered = RENDERERS[render](result)
    return result


def _identified(item: Item, result: Result) -> Result:
    """The result named by its parcel code: the parcel's, or the row's as written when the row
    was refused; its problems carry the code and the refused cell (`landrules.rowid`)."""
    from landrules.rowid import identified, row_code

    if result.problems:
        result.problems = identified(item, result.problems)
        result.code = result.problems[0].parcel if result.problems else ""
    elif not result.code:
        result.code = row_code(item)
    if result.warnings:
        result.warnings = identified(item, result.warnings)
    return result


def _crashed(item: Item) -> Result:
    """An internal error on one parcel, as that parcel's located error (the run goes on)."""
    from landrules.i18n import t

    message = t("batch.internal_error")
    return Result(item, problems=[Problem(item.source, item.line, 0, "internal-error", message)])


def _evaluate(
    pack: Any, item: Item, encoding: str | None, limits: Any, keep: bool, record: str
) -> Result:
    if item.problems:
        return Result(item, problems=item.problems)
    try:
        if item.data is None:
            document = read_parcel_document(item.source, encoding=encoding, limits=limits)
            parcel = parcel_from_document(document)
        else:
            from landrules.i18n import cell_words

            with cell_words():  # a register row: its errors say what to type in the cell
                try:
                    parcel = Parcel.model_validate(item.data)
                except ValidationError as err:
                    return Result(item, problems=item.row_problems(err))
    except InputError as err:
        return Result(item, problems=err.problems)
    result = _judged(pack, item, parcel, keep, record)
    result.warnings = _warnings(item, parcel)
    if parcel.parcel is not None and parcel.parcel.code:
        result.code = parcel.parcel.code
    return result


def _warnings(item: Item, parcel: Parcel) -> list[Problem]:
    """The parcel's implausible stated figures (a land area above 1 km², …), as warnings of its
    row or file: printed, never counted as input errors, never a condition."""
    from landrules.plausible import stated

    return [
        Problem(item.source, item.line, 0, "implausible", message, name, severity="warning")
        for name, message in stated(parcel)
    ]


def _judged(pack: Any, item: Item, parcel: Parcel, keep: bool, record: str) -> Result:
    if record == "outcomes" and not keep:
        decided = decide_parcel(pack, parcel)
        return Result(item, decided={pid: outcome.value for pid, outcome in decided.items()})
    if record == "brief" and not keep:
        return Result(item, brief_record(pack, parcel, item.label))
    verdict = check_parcel(pack, parcel, item.label)
    if record == "outcomes":
        outcomes = {pv.provision.id: pv.outcome.value for pv in verdict.provisions}
        return Result(item, decided=outcomes, full=verdict)
    data = verdict_data(verdict) if record == "full" else brief_data(verdict)
    return Result(item, data, full=verdict if keep else None)


def run(
    pack: Any,
    items: Iterable[Item],
    *,
    encoding: str | None = None,
    limits: Any = None,
    keep: bool = False,
    render: str | None = None,
    record: str = "full",
) -> Iterator[Result]:
    for item in items:
        yield evaluate_item(
            pack, item, encoding=encoding, limits=limits, keep=keep, render=render, record=record
        )


CHUNK = 100
"""Parcels per task. A task's results (~20 kB of rendered JSON each) are pickled whole: at 500,
a worker peaked at 124-173 MB and the three processes at ~300 MB on a register; at 100, 58 MB
and ~150 MB, in the same time (the parent's share is ~0.2 ms per parcel either way)."""
IN_PROCESS = 500
"""Inputs shorter than this are checked in-process: a pool is not worth starting."""
_WORKER_PACK: Any = None


def _start_worker(rules: Path | None, as_of: Any) -> None:
    global _WORKER_PACK
    from landrules.interrupts import in_worker

    in_worker()
    if _WORKER_PACK is None:  # with fork the parent's compiled pack is inherited as it is
        from landrules.api import load_rules

        _WORKER_PACK = load_rules(rules)
        _WORKER_PACK.as_of = as_of


def _work(
    chunk: list[Item],
    encoding: str | None,
    limits: Any,
    keep: bool,
    render: str | None,
    record: str,
) -> list[Result]:
    results = [
        evaluate_item(
            _WORKER_PACK,
            item,
            encoding=encoding,
            limits=limits,
            keep=keep,
            render=render,
            record=record,
        )
        for item in chunk
    ]
    if render is not None:  # the parent writes the rendered text: a row's cells need not go back
        for result in results:
            result.item = Item(result.item.source, result.item.line)
    return results


START_METHOD_ENV = "LANDRULES_MP_START"
"""For tests: the start method of the worker processes (`spawn` runs here what Windows runs)."""


def start_method() -> str:
    """fork where the platform has it (workers inherit the compiled pack), else spawn (Windows),
    unless LANDRULES_MP_START names another method this platform has (tests force spawn)."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    wanted = os.environ.get(START_METHOD_ENV, "")
    if wanted in methods:
        return wanted
    return "fork" if "fork" in methods else "spawn"


def run_parallel(
    pack: Any,
    items: Iterable[Item],
    *,
    jobs: int,
    rules: Path | None = None,
    encoding: str | None = None,
    limits: Any = None,
    keep: bool = False,
    render: str | None = None,
    record: str = "full",
    chunk: int = CHUNK,
    in_process: int = IN_PROCESS,
) -> Generator[Result, None, None]:
    """Like `run`, over a process pool, results in input order; small inputs stay in-process.

    Chunks keep per-task overhead low; at most two chunks per worker are in flight, so memory
    stays flat however long the input is.
    """
    import itertools

    iterator = iter(items)
    head = list(itertools.islice(iterator, max(chunk, in_process)))
    if jobs <= 1 or len(head) < in_process:
        rest = itertools.chain(head, iterator)
        yield from run(
            pack,
            rest,
            encoding=encoding,
            limits=limits,
            keep=keep,
            render=render,
            record=record,
        )
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER_PACK
    _WORKER_PACK = pack
    context = multiprocessing.get_context(start_method())
    whole = itertools.chain(head, iterator)
    chunks = iter(lambda: list(itertools.islice(whole, chunk)), [])
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(rules, getattr(pack, "as_of", None)),
    )
    try:
        pending: deque[Any] = deque()
        for part in chunks:
            pending.append(pool.submit(_work, part, encoding, limits, keep, render, record))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BaseException:  # interrupted, abandoned (GeneratorExit) or failed: no worker outlives it
        _stop(pool)
        raise
    pool.shutdown()


STOP_GRACE = 5.0
"""Seconds an abandoned pool's workers get to finish the chunks they hold before being killed."""


def _stop(pool: Any) -> None:
    """End every worker now, so none outlives the run: queued chunks are cancelled, the ones a
    worker already holds (a second or so of work) are finished, and a worker still busy after
    STOP_GRACE seconds is killed. Killing at once could cut a result in half on its way back,
    which leaves the pool's reader thread waiting for the rest, and the process hung at exit."""
    import time

    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(timeout=max(deadline - time.monotonic(), 0))
    stuck = [process for process in processes if process.is_alive()]
    for process in stuck:
        process.kill()
        process.join(timeout=STOP_GRACE)
    if stuck:  # a result may be cut short in the pipe: let the reader see its end, not wait
        writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        if writer is not None:
            writer.close()
