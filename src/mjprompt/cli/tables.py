"""``check``/``fix``/``format`` on tables of prompts: ``.parquet`` and ``.csv`` files.

A table run reads one column of prompts (``--column``; by default the column named
``prompt``) in batches: Parquet row group by row group, CSV by blocks
(``pyarrow.csv.open_csv``), so memory stays flat however many rows the file has (it
grows with the size of a row group, which the writer of the file chose). With
``--jobs`` the batches are linted by worker processes, a few in flight at a time, and
reported in file order, so the output is the same for any number of jobs.

Findings are placed at ``file:row:col``: the row is the 1-based data row (the CSV
header is not a row) and the column the 1-based code point in the prompt; in JSON
``line`` is that row. ``fix`` and ``format`` never rewrite a table in place: they write
a new file given with ``--out`` (Parquet or CSV by its extension), every other column
kept. ``--statistics`` counts findings per code and rows per parameter; ``--report
FILE.html`` writes the same counts as a small self-contained HTML page with bar charts.

Needs pyarrow (``pip install 'mjprompt[data]'``), imported only when a table is read.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections import Counter, deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

from .._record import Record
from ..diagnostics import Severity
from .engine import Entry, LintJob, PromptResult, not_converged, run_chunk
from .errors import UsageError
from .location import FileFinding, Origin, Region
from .options import Settings, use_color
from .reporters import Reporter, Summary, make_reporter
from .sources import Problem

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["BATCH_ROWS", "TABLE_SUFFIXES", "add_table_arguments", "is_table_run", "run_tables"]

TABLE_SUFFIXES = (".parquet", ".pq", ".csv")
# Rows per batch: big enough that a worker round trip is a small part of linting it
# (a prompt takes tens of microseconds), small enough that a few batches in flight per
# worker keep memory flat.
BATCH_ROWS = 16384
IN_FLIGHT_PER_WORKER = 2
_CSV_BLOCK = 1 << 22


def add_table_arguments(
    parser: argparse.ArgumentParser, *, rewrite: bool = True, report: bool = True
) -> None:
    """``--column``, and ``--out`` (``rewrite``) and ``--report`` for table inputs."""
    group = parser.add_argument_group("tables (.parquet, .csv files; needs mjprompt[data])")
    group.add_argument(
        "--column",
        metavar="NAME",
        help="the column holding the prompts (default: the column named prompt)",
    )
    if rewrite:
        group.add_argument(
            "--out",
            metavar="PATH",
            help="write the fixed table here (.parquet or .csv); tables are never "
            "rewritten in place",
        )
    if report:
        group.add_argument(
            "--report",
            metavar="HTML",
            help="write counts per code and per parameter as an HTML page with bar charts",
        )


def _is_table(path: str) -> bool:
    return path.lower().endswith(TABLE_SUFFIXES)


def is_table_run(ns: argparse.Namespace) -> bool:
    """True when the inputs are tables (mixing them with other inputs is refused)."""
    paths: list[str] = list(ns.paths)
    tables = [p for p in paths if _is_table(p)]
    if not tables:
        for option in ("column", "out", "report"):
            if getattr(ns, option, None) is not None:
                raise UsageError(f"--{option} applies to .parquet and .csv inputs only")
        return False
    if len(tables) != len(paths) or ns.prompts:
        raise UsageError("tables (.parquet, .csv) cannot be mixed with other inputs in one run")
    return True


# -- reading ---------------------------------------------------------------------------


class TableError(Exception):
    """A table that cannot be read: the message says why (no traceback)."""


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise UsageError(
            "reading .parquet and .csv files needs pyarrow: pip install 'mjprompt[data]'"
        ) from None
    return pyarrow


def _pick_column(path: str, names: list[str], wanted: str | None) -> str:
    if wanted is not None:
        if wanted not in names:
            raise TableError(f"no column {wanted!r} (the columns are: {', '.join(names)})")
        return wanted
    if "prompt" in names:
        return "prompt"
    raise TableError(
        f"no column named 'prompt'; choose one with --column (the columns are: {', '.join(names)})"
    )


class _Reader(Record):
    """One table file: its prompt column and a way to read it in batches."""

    __slots__ = ("path", "kind", "column")  # noqa: RUF023 - field order
    path: str
    kind: str  # parquet | csv
    column: str

    def __init__(self, path: str, kind: str, column: str) -> None:
        self._set_fields(path, kind, column)

    def batches(self, whole: bool) -> Iterator[Any]:
        """Record batches of the prompt column only, or (``whole``) of every column."""
        pa = _pyarrow()
        pool = pa.default_memory_pool()
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(self.path)
            columns = None if whole else [self.column]
            # Row group by row group, handing the freed buffers back after each: with
            # `iter_batches` the allocator kept growing with the file (190 MiB peak for
            # 1M rows against 127 MiB for 200k); this way the peak is flat.
            for group in range(parquet.num_row_groups):
                table = parquet.read_row_group(group, columns=columns)
                yield from table.to_batches(max_chunksize=BATCH_ROWS)
                del table
                pool.release_unused()
            return
        import pyarrow.csv as pcsv

        names = _csv_names(self.path)
        # Every column read as text, as written: a rewrite must not turn `007` into 7.
        convert = pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            include_columns=None if whole else [self.column],
            # An empty unquoted cell is a missing prompt (what Arrow writes for null);
            # `""` is an empty one. No other spelling of null: "NA" may be a prompt.
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        with pcsv.open_csv(
            self.path,
            read_options=pcsv.ReadOptions(block_size=_CSV_BLOCK),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=convert,
        ) as reader:
            for batch in reader:
                # A CSV block can hold many more rows than a Parquet batch: cut it.
                for start in range(0, batch.num_rows, BATCH_ROWS):
                    yield batch.slice(start, BATCH_ROWS)
                del batch
                pool.release_unused()


def _schema(reader: _Reader) -> Any:
    """The schema of every column as :meth:`_Reader.batches` gives them."""
    pa = _pyarrow()
    if reader.kind == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(reader.path).schema_arrow
    return pa.schema([(name, pa.string()) for name in _csv_names(reader.path)])


def _csv_names(path: str) -> list[str]:
    import pyarrow.csv as pcsv

    with pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(block_size=_CSV_BLOCK),
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
    ) as reader:
        names: list[str] = reader.schema.names
    return names


def open_table(path: str, column: str | None) -> _Reader:
    """The reader of a table file (raises :class:`TableError` with the reason)."""
    pa = _pyarrow()
    kind = "csv" if path.lower().endswith(".csv") else "parquet"
    if not os.path.exists(path):
        raise TableError("no such file or directory")
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            schema = pq.ParquetFile(path).schema_arrow
            name = _pick_column(path, schema.names, column)
            kind_of = schema.field(name).type
            if pa.types.is_dictionary(kind_of):
                kind_of = kind_of.value_type
            if not (pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of)):
                raise TableError(f"column {name!r} holds {kind_of}, not strings")
        else:
            name = _pick_column(path, _csv_names(path), column)
    except (pa.ArrowException, OSError) as exc:
        raise TableError(f"cannot read {kind}: {exc}") from None
    return _Reader(path, kind, name)


def _texts(batch: Any, column: str) -> list[str | None]:
    data = batch.column(batch.schema.get_field_index(column))
    texts: list[str | None] = data.to_pylist()
    return texts


# -- linting in batches ----------------------------------------------------------------


def _parameters(texts: list[str | None]) -> Counter[str]:
    """Rows using each canonical parameter (a parameter written twice counts once)."""
    from ..parsing import parse_lenient

    counts: Counter[str] = Counter()
    for text in texts:
        if text is not None:
            prompt = parse_lenient(text)
            counts.update({p.spec.name for p in prompt.params if p.spec is not None})
    return counts


_Result = tuple[list["PromptResult | None"], Counter[str]]


def _work(job: LintJob, texts: list[str | None], count_params: bool) -> _Result:
    """One batch: an outcome per row (None for a null cell) and the parameter counts."""
    present: list[Entry] = [t for t in texts if t is not None]
    done = iter(run_chunk(job, present))
    outcomes = [None if t is None else next(done) for t in texts]
    return outcomes, _parameters(texts) if count_params else Counter()


def _worker_init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process reports Ctrl-C


def _lint_batches(
    job: LintJob, batches: Iterator[Any], column: str, jobs: int, count_params: bool
) -> Iterator[tuple[Any, list[str | None], _Result]]:
    """Each batch with its prompts and results, in file order, on ``jobs`` processes."""
    # A table of one batch never starts a pool (a worker costs more than it saves).
    first = list(itertools.islice(batches, 2)) if jobs > 1 else []
    batches = itertools.chain(first, batches)
    if jobs <= 1 or len(first) < 2:
        for batch in batches:
            texts = _texts(batch, column)
            yield batch, texts, _work(job, texts, count_params)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else None)
    pending: deque[tuple[Any, list[str | None], Future[_Result]]] = deque()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init) as pool:
        failure: Exception | None = None
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except Exception as exc:
                # A bad block: report the rows read before it first, then the error.
                failure = exc
                break
            texts = _texts(batch, column)
            pending.append((batch, texts, pool.submit(_work, job, texts, count_params)))
            while pending and (pending[0][2].done() or len(pending) > jobs * IN_FLIGHT_PER_WORKER):
                head, head_texts, future = pending.popleft()
                yield head, head_texts, future.result()
        while pending:
            head, head_texts, future = pending.popleft()
            yield head, head_texts, future.result()
        if failure is not None:
            raise failure


# -- one run ---------------------------------------------------------------------------


def _findings(path: str, row: int, text: str, outcome: PromptResult) -> Iterator[FileFinding]:
    origin = Origin(path, row, 0, None, text, 0)
    for d in outcome.diagnostics:
        edits: tuple[tuple[Region, str], ...] = ()
        if d.fix is not None:
            edits = tuple(
                (Region(row, e.start + 1, row, e.end + 1), e.replacement) for e in d.fix.edits
            )
        region = Region(row, d.span.start + 1, row, d.span.end + 1)
        yield FileFinding(d, origin, text, region, edits)


class _Totals:
    """What a table run counts beside the reporter's summary."""

    __slots__ = ("changed_rows", "codes", "names", "nulls", "parameters", "rows")

    def __init__(self) -> None:
        self.codes: Counter[str] = Counter()
        self.names: dict[str, tuple[str, str]] = {}
        self.parameters: Counter[str] = Counter()
        self.rows = 0
        self.nulls = 0
        self.changed_rows = 0


class TableRun:
    """``check``, ``fix`` or ``format`` over table files; :meth:`run` gives the exit code."""

    def __init__(
        self, ns: argparse.Namespace, settings: Settings, mode: str, out: TextIO, err: TextIO
    ) -> None:
        self.ns = ns
        self.settings = settings
        self.mode = mode
        self.out = out
        self.err = err
        self.summary = Summary()
        self.totals = _Totals()
        self.failed = False
        self.write_to: str | None = getattr(ns, "out", None)
        self.report_to: str | None = getattr(ns, "report", None)
        self.statistics = settings.statistics
        self.reporter = self._reporter()

    def _reporter(self) -> Reporter:
        s = self.settings
        if self.mode == "format" or self.statistics:
            return Reporter(self.out, self.err, quiet=s.quiet)  # findings are not listed
        return make_reporter(
            s.output_format,
            self.out,
            self.err,
            profile=s.profile,
            color=use_color(getattr(self.ns, "color", "auto"), self.out)
            and s.output_format == "text",
            show_source=s.show_source,
            quiet=s.quiet,
        )

    def _check_usage(self) -> None:
        ns = self.ns
        if getattr(ns, "diff", False):
            raise UsageError("--diff does not apply to tables; write the result with --out")
        if self.mode == "check":
            if self.write_to is not None:
                raise UsageError("--out goes with --fix (or use `mjprompt fix --out`)")
            return
        checking = self.mode == "format" and getattr(ns, "check", False)
        if self.write_to is None and not checking:
            raise UsageError(
                f"`{self.mode}` never rewrites a table in place: give the new file with --out"
            )
        if self.write_to is not None:
            if len(ns.paths) != 1:
                raise UsageError("--out takes one input table")
            if not _is_table(self.write_to):
                raise UsageError("--out must end in .parquet, .pq or .csv")
            if os.path.abspath(self.write_to) == os.path.abspath(ns.paths[0]) or (
                os.path.exists(self.write_to) and os.path.samefile(self.write_to, ns.paths[0])
            ):
                raise UsageError("--out must be a new file, not the input table")

    def run(self) -> int:
        self._check_usage()
        _pyarrow()
        self.reporter.start()
        for path in self.ns.paths:
            try:
                reader = open_table(path, getattr(self.ns, "column", None))
            except TableError as exc:
                self._problem(path, str(exc))
                continue
            self.summary.files += 1
            self._table(reader)
        if self.totals.changed_rows and self.mode != "check":
            self.summary.changed_files = 1
        self.reporter.finish(self.summary, self.mode)
        self._epilogue()
        return self._exit_code()

    def _problem(self, path: str, message: str, row: int | None = None) -> None:
        self.summary.problems += 1
        self.reporter.problem(Problem(path, row, None, message))

    def _table(self, reader: _Reader) -> None:
        s = self.settings
        job = LintJob(self.mode, s.profile, s.select, s.ignore, s.unsafe_fixes)
        count_params = self.statistics or self.report_to is not None
        writing = self.write_to is not None and self.mode != "check"
        writer = _Writer(self.write_to, reader.column) if writing and self.write_to else None
        row = 0
        pa = _pyarrow()
        try:
            batches = reader.batches(whole=writer is not None)
            for batch, texts, (outcomes, params) in _lint_batches(
                job, batches, reader.column, s.jobs, count_params
            ):
                self.totals.parameters.update(params)
                new_texts = self._rows(reader.path, row, texts, outcomes)
                if writer is not None:
                    writer.write(batch, new_texts)
                row += len(texts)
        except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
            # A malformed block or a truncated file: what was read is reported.
            if writer is not None:
                writer.abort()
            where = f"past data row {row}" if row else reader.kind
            self._problem(reader.path, f"cannot read {where}: {exc}")
            return
        if writer is not None:
            try:
                writer.close(_schema(reader))
            except (pa.ArrowException, OSError) as exc:
                self._problem(self.write_to or "", f"cannot write: {exc}")

    def _rows(
        self, path: str, first: int, texts: list[str | None], outcomes: list[PromptResult | None]
    ) -> list[str | None]:
        new_texts: list[str | None] = []
        totals = self.totals
        for i, (text, outcome) in enumerate(zip(texts, outcomes, strict=True)):
            totals.rows += 1
            self.summary.prompts += 1
            if text is None or outcome is None:
                totals.nulls += 1
                new_texts.append(text)
                continue
            new = outcome.text if outcome.text is not None else text
            if new != text:
                totals.changed_rows += 1
                self.summary.fixed += outcome.applied
            if not outcome.converged:
                self.err.write(not_converged(f"{path}:{first + i + 1}"))
            new_texts.append(new)
            for finding in _findings(path, first + i + 1, new, outcome):
                self._finding(finding)
        return new_texts

    def _finding(self, finding: FileFinding) -> None:
        d = finding.diagnostic
        summary = self.summary
        if d.severity is Severity.ERROR:
            summary.errors += 1
        elif d.severity is Severity.WARNING:
            summary.warnings += 1
        else:
            summary.infos += 1
        if d.fix is not None:
            if d.fix.safe:
                summary.fixable += 1
            else:
                summary.unsafe_fixable += 1
        if d.severity.rank >= self.settings.fail_on.rank:
            self.failed = True
        self.totals.codes[d.code] += 1
        self.totals.names[d.code] = (d.rule, d.severity.value)
        self.reporter.finding(finding)

    def _epilogue(self) -> None:
        from .table_report import statistics_json, statistics_text, write_html

        totals = self.totals
        if self.statistics:
            if self.settings.output_format == "json":
                self.out.write(statistics_json(totals) + "\n")
            else:
                self.out.write(statistics_text(totals))
        if self.report_to is not None:
            try:
                write_html(self.report_to, totals, self.ns.paths)
            except OSError as exc:
                self._problem(self.report_to, f"cannot write the report: {exc.strerror or exc}")
        if self.settings.quiet or self.mode == "check":
            return
        n = totals.changed_rows
        rows = f"{n} row" + ("" if n == 1 else "s")
        if self.write_to is not None and not self.summary.problems:
            verb = "fixed" if self.mode == "fix" else "reformatted"
            self.err.write(f"{rows} {verb}; wrote {self.write_to}\n")
        elif self.write_to is None:
            self.err.write(f"{rows} would be reformatted.\n" if n else "Already formatted.\n")

    def _exit_code(self) -> int:
        if self.summary.problems:
            return 2
        if self.failed:
            return 1
        if self.totals.changed_rows and (self.mode == "fix" or self.write_to is None):
            return 1
        return 0


class _Writer:
    """The new table, written batch by batch to a temporary file renamed at the end."""

    def __init__(self, path: str, column: str) -> None:
        self.path = path
        self.column = column
        self.kind = "csv" if path.lower().endswith(".csv") else "parquet"
        directory = os.path.dirname(os.path.abspath(path))
        self.temporary = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
        self._writer: Any = None

    def write(self, batch: Any, texts: list[str | None]) -> None:
        pa = _pyarrow()
        index = batch.schema.get_field_index(self.column)
        field = batch.schema.field(index)
        kind = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        table = pa.Table.from_batches([batch])
        table = table.set_column(index, pa.field(field.name, kind), pa.array(texts, kind))
        if self._writer is None:
            self._writer = self._open(table.schema)
        self._writer.write_table(table)

    def _open(self, schema: Any) -> Any:
        if self.kind == "csv":
            import pyarrow.csv as pcsv

            return pcsv.CSVWriter(self.temporary, schema)
        import pyarrow.parquet as pq

        return pq.ParquetWriter(self.temporary, schema)

    def close(self, schema: Any) -> None:
        if self._writer is None:  # an empty table: write its columns and no rows
            self._writer = self._open(schema)
        self._writer.close()
        os.replace(self.temporary, self.path)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if os.path.exists(self.temporary):
            os.remove(self.temporary)


def run_tables(ns: argparse.Namespace, settings: Settings, mode: str) -> int:
    """Run ``mode`` (check, fix or format) over the table files of the command line."""
    from .terminal import utf8_stream

    return TableRun(ns, settings, mode, utf8_stream(sys.stdout), utf8_stream(sys.stderr)).run()
