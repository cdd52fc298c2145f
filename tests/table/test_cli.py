"""``mjprompt check/fix/format`` on .parquet and .csv tables."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt.cli import main
from mjprompt.cli import tables as cli_tables
from mjprompt.parser import parse_lenient
from mjprompt.strategies import prompts, valid_prompts

SETTINGS = settings(
    max_examples=int(os.environ.get("MJPROMPT_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

PROMPTS = [
    "a cat --ar 16:9",
    "dog –ar 3:2 --v 7",
    None,
    "x {a, b --q 9",
    "https://e.com/a.png castle --stylize 100 --ar 1:1",
]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_parquet(path: Path, texts: list[str | None], row_group_size: int = 2) -> Path:
    table = pa.table({"id": list(range(len(texts))), "prompt": pa.array(texts, pa.string())})
    pq.write_table(table, path, row_group_size=max(1, row_group_size))
    return path


def write_csv(path: Path, texts: list[str | None], column: str = "prompt") -> Path:
    table = pa.table({"id": list(range(len(texts))), column: pa.array(texts, pa.string())})
    pcsv.write_csv(table, path)
    return path


def expected_findings(texts: list[str | None]) -> list[tuple[int, str, int, int]]:
    """(1-based data row, code, start, end) of lint_many, row by row."""
    present = [(i, t) for i, t in enumerate(texts) if t is not None]
    found = mjprompt.lint_many([t for _, t in present])
    return [
        (i + 1, d.code, d.span.start, d.span.end)
        for (i, _), ds in zip(present, found, strict=True)
        for d in ds
    ]


def json_findings(out: str) -> list[tuple[int, str, int, int]]:
    return [(f["line"], f["code"], f["start"], f["end"]) for f in json.loads(out)]


# -- check -----------------------------------------------------------------------------


def test_check_parquet_positions_are_file_row_col(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_parquet(tmp_path / "d.parquet", PROMPTS)
    code, out, _ = run(capsys, "check", str(path), "--column", "prompt")
    assert code == 1
    lines = out.splitlines()
    # Row 2 (1-based data row), column 5 (the en dash is the 5th code point).
    assert lines[0].startswith(f"{path}:2:5: MJ101 ")
    assert any(line.startswith(f"{path}:4:3: MJ111 ") for line in lines)
    assert "5 prompts in 1 input" in lines[-1]


def test_check_csv_json_line_is_the_data_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "d.csv", PROMPTS)
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    assert code == 1
    found = json_findings(out)
    assert found == expected_findings(PROMPTS)
    assert {f["path"] for f in json.loads(out)} == {str(path)}


@SETTINGS
@given(st.lists(st.one_of(st.none(), valid_prompts(), prompts().filter(_encodable)), max_size=10))
def test_generated_tables_give_lint_many_row_by_row(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    texts: list[str | None],
) -> None:
    folder = tmp_path_factory.mktemp("gen")
    expected = expected_findings(texts)
    for path in (write_parquet(folder / "g.parquet", texts, 3), write_csv(folder / "g.csv", texts)):
        code, out, err = run(capsys, "check", str(path), "--format", "json", "--isolated")
        assert code == (1 if _fails(texts) else 0), err
        assert json_findings(out) == expected, path


def _fails(texts: list[str | None]) -> bool:
    return any(
        d.severity.value == "error" for t in texts if t is not None for d in mjprompt.lint(t)
    )


def test_rows_are_counted_across_batches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_tables, "BATCH_ROWS", 2)
    texts = ["fine cat"] * 5 + ["dog –ar 3:2"] + ["fine"] * 3 + ["x {a"]
    for path in (
        write_parquet(tmp_path / "b.parquet", texts, 3),
        write_csv(tmp_path / "b.csv", texts),
    ):
        code, out, _ = run(capsys, "check", str(path), "--format", "json", "-j", "1")
        assert code == 1
        assert json_findings(out) == expected_findings(texts)
        assert sorted({f[0] for f in json_findings(out)}) == [6, 10]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MJPROMPT"))}
    return subprocess.run(
        [sys.executable, "-m", "mjprompt", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_jobs_give_the_single_process_output(tmp_path: Path) -> None:
    # Three batches of BATCH_ROWS rows: the pool gets several, results keep file order.
    words = ["cat –ar 3:2", "dog --v 7", "fine bird", "x {a", "--ar 1:1", "sun --s 9999"]
    n = 2 * cli_tables.BATCH_ROWS + 100
    texts = [f"{words[i % len(words)]} {i}" for i in range(n)]
    path = write_parquet(tmp_path / "j.parquet", texts, row_group_size=5000)
    one = _cli("check", str(path), "--format", "json", "-j", "1", "--isolated", cwd=tmp_path)
    two = _cli("check", str(path), "--format", "json", "-j", "2", "--isolated", cwd=tmp_path)
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    assert one.stdout == two.stdout
    assert max(f[0] for f in json_findings(one.stdout)) == n


# -- column choice and bad input -------------------------------------------------------


def test_csv_without_a_prompt_column_needs_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "c.csv", ["a –ar 1:1"], column="caption")
    code, _, err = run(capsys, "check", str(path))
    assert code == 2
    assert "no column named 'prompt'; choose one with --column" in err
    assert "id, caption" in err
    code, out, _ = run(capsys, "check", str(path), "--column", "caption")
    assert code == 1
    assert out.startswith(f"{path}:1:3: MJ101")
    code, _, err = run(capsys, "check", str(path), "--column", "nope")
    assert code == 2
    assert "no column 'nope'" in err


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("garbage", "cannot read parquet"),
        ("int", "column 'prompt' holds int64, not strings"),
        ("missing", "no such file or directory"),
        ("ragged", "cannot read past data row"),
        ("utf8", "cannot read csv: In CSV column #1: CSV conversion error to string: invalid UTF8"),
    ],
)
def test_bad_tables_give_a_message_not_a_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    setup: str,
    message: str,
) -> None:
    if setup == "garbage":
        path = tmp_path / "g.parquet"
        path.write_bytes(b"not parquet at all")
    elif setup == "int":
        path = tmp_path / "i.parquet"
        pq.write_table(pa.table({"prompt": [1, 2]}), path)
    elif setup == "missing":
        path = tmp_path / "m.parquet"
    elif setup == "utf8":
        path = tmp_path / "u.csv"
        path.write_bytes(b'id,prompt\n1,"bad \xff byte"\n')
    else:
        # Small CSV blocks: the bad row is met while streaming, after rows were checked.
        monkeypatch.setattr(cli_tables, "_CSV_BLOCK", 128)
        path = tmp_path / "r.csv"
        rows = "".join(f'{i},"cat {i}"\n' for i in range(50))
        path.write_text("id,prompt\n" + rows + "1,2,3,4\n", "utf-8")
    code, _, err = run(capsys, "check", str(path))
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert err.startswith(str(path))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "a.parquet", "b.txt"], "cannot be mixed"),
        (["check", "a.parquet", "-p", "cat"], "cannot be mixed"),
        (["check", "b.txt", "--column", "x"], "--column applies to .parquet and .csv"),
        (["check", "--fix", "--diff", "a.parquet"], "--diff does not apply to tables"),
        (["fix", "a.parquet"], "never rewrites a table in place"),
        (["check", "--fix", "a.parquet"], "never rewrites a table in place"),
        (["check", "a.parquet", "--out", "b.parquet"], "--out goes with --fix"),
        (["format", "a.csv"], "never rewrites a table in place"),
        (["fix", "a.parquet", "--out", "a.parquet"], "must be a new file"),
        (["fix", "a.parquet", "--out", "a.txt"], "--out must end in .parquet"),
        (["fix", "a.parquet", "b.parquet", "--out", "c.parquet"], "--out takes one input"),
    ],
)
def test_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    os.chdir(tmp_path)
    write_parquet(tmp_path / "a.parquet", ["cat"])
    before = (tmp_path / "a.parquet").read_bytes()
    code, _, err = run(capsys, *args, "--isolated")
    assert code == 2
    assert message in err
    assert (tmp_path / "a.parquet").read_bytes() == before


def test_without_pyarrow_the_cli_says_what_to_install(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", ["cat"])
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pyarrow':\n"
        "            raise ImportError('blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from mjprompt.cli import main\n"
        "sys.exit(main(['check', 'a.parquet', '--isolated']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "pip install 'mjprompt[data]'" in proc.stderr


# -- fix and format write a new file ---------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fix_writes_a_new_parquet_and_keeps_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_parquet(tmp_path / "d.parquet", PROMPTS)
    before = _digest(path)
    out = tmp_path / "fixed.parquet"
    code, report, err = run(capsys, "fix", str(path), "--out", str(out), "--isolated")
    assert code == 1  # rows changed
    assert _digest(path) == before
    fixed = pq.read_table(out)
    assert fixed.column_names == ["id", "prompt"]
    assert fixed.column("id").to_pylist() == list(range(len(PROMPTS)))
    assert fixed.column("prompt").to_pylist() == [
        None if t is None else mjprompt.fix(t).text for t in PROMPTS
    ]
    assert "1 row fixed" in err
    # The remaining findings are placed in the new rows.
    assert report.splitlines()[0].startswith(f"{path}:4:3: MJ111")


def test_fix_warns_of_a_row_it_stopped_fixing_at_its_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two rounds (MJ107, then MJ302); one is allowed.
    monkeypatch.setattr(importlib.import_module("mjprompt.lint"), "MAX_FIX_ROUNDS", 1)
    path = write_parquet(
        tmp_path / "d.parquet", ["a cat --ar 1:1", "a cat --ar 2:3 more words --ar 2:3"]
    )
    out = tmp_path / "fixed.parquet"
    _, _, err = run(capsys, "fix", str(path), "--out", str(out), "--unsafe-fixes", "--isolated")
    assert err.count("fixing stopped at its limit of rounds") == 1
    assert f"{path}:2: fixing stopped" in err


def test_check_fix_out_is_fix_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_parquet(tmp_path / "d.parquet", PROMPTS)
    code, _, _ = run(capsys, "check", "--fix", str(path), "--out", str(tmp_path / "o.csv"))
    assert code == 1
    table = pcsv.read_csv(tmp_path / "o.csv")
    assert table.column("prompt").to_pylist()[:2] == ["a cat --ar 16:9", "dog --ar 3:2"]


def test_format_writes_a_new_csv_and_check_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = ["a   cat  –ar 3:2", "", "fine --ar 1:1", None]
    path = write_csv(tmp_path / "d.csv", texts)
    before = _digest(path)
    code, _, err = run(capsys, "format", "--check", str(path), "--isolated")
    assert code == 1
    assert "1 row would be reformatted" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]
    out = tmp_path / "f.parquet"  # CSV in, Parquet out: the kind follows --out
    code, _, _ = run(capsys, "format", str(path), "--out", str(out), "--isolated")
    assert code == 0
    assert _digest(path) == before
    table = pq.read_table(out)
    assert table.column("prompt").to_pylist() == [
        None if t is None else mjprompt.render(parse_lenient(t)) for t in texts
    ]
    assert table.column("id").to_pylist() == ["0", "1", "2", "3"]  # CSV cells as written


def test_fix_of_an_empty_table_writes_an_empty_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_parquet(tmp_path / "e.parquet", [])
    out = tmp_path / "o.parquet"
    code, _, _ = run(capsys, "fix", str(path), "--out", str(out), "--isolated")
    assert code == 0
    assert pq.read_table(out).schema.names == ["id", "prompt"]


# -- statistics and the HTML report ----------------------------------------------------

STATS_PROMPTS = [
    "cat –ar 3:2 --v 7",
    "dog --ar 16:9 --ar 1:1 --s 50",
    None,
    "bird {a",
    "--s 100",
    "fish --stylize 200 --chaos 5",
]


def _expected_counts(texts: list[str | None]) -> tuple[Counter[str], Counter[str]]:
    codes: Counter[str] = Counter()
    params: Counter[str] = Counter()
    for text in texts:
        if text is None:
            continue
        codes.update(d.code for d in mjprompt.lint(text))
        params.update({p.canonical for p in parse_lenient(text).params if p.canonical})
    return codes, params


def test_statistics_json_counts_codes_and_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_parquet(tmp_path / "s.parquet", STATS_PROMPTS)
    code, out, _ = run(capsys, "check", str(path), "--statistics", "--format", "json")
    assert code == 1
    data = json.loads(out)
    codes, params = _expected_counts(STATS_PROMPTS)
    assert data["rows"] == len(STATS_PROMPTS)
    assert data["null_rows"] == 1
    assert {c["code"]: c["count"] for c in data["codes"]} == dict(codes)
    assert {p["parameter"]: p["rows"] for p in data["parameters"]} == dict(params)
    # `–ar 3:2` is text (MJ101), so only row 2 uses --ar, where it is written twice
    # and counts once.
    assert params["aspect"] == 1
    counts = [c["count"] for c in data["codes"]]
    assert counts == sorted(counts, reverse=True)


def test_statistics_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "s.csv", STATS_PROMPTS)
    code, out, _ = run(capsys, "check", str(path), "--statistics")
    assert code == 1
    assert out.startswith("6 rows (1 null)\n")
    assert "Rows using each parameter:\n" in out
    assert "  3  --stylize\n" in out


class _Structure(HTMLParser):
    """Checks that tags nest and close, and collects what the report must hold."""

    VOID = frozenset({"meta", "br", "img", "link", "hr", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: Counter[str] = Counter()
        self.rects: list[dict[str, str | None]] = []
        self.bar_titles: list[str] = []
        self.external: list[str] = []
        self.doctype = False
        self._in_title = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            if name in ("src", "href") and value and "://" in value:
                self.external.append(value)
        if tag == "rect":
            self.rects.append(dict(attrs))
        if tag not in self.VOID:
            self.stack.append(tag)
        self._in_title = tag == "title" and "rect" in self.stack

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.bar_titles.append(data)


def test_html_report_is_a_valid_self_contained_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = STATS_PROMPTS
    # The file name is shown in the page: markup in it must stay text.
    path = write_parquet(tmp_path / "s<b>&<script>.parquet", texts)
    report = tmp_path / "report.html"
    code, _, _ = run(capsys, "check", str(path), "--report", str(report), "-q")
    assert code == 1
    page = report.read_text("utf-8")
    parser = _Structure()
    parser.feed(page)
    parser.close()
    assert parser.doctype
    assert parser.errors == []
    assert parser.stack == []  # everything opened was closed
    assert parser.tags["html"] == parser.tags["head"] == parser.tags["body"] == 1
    assert parser.tags["svg"] == 2
    assert parser.tags["h1"] == 1
    assert parser.tags["script"] == 0
    assert parser.external == []
    codes, params = _expected_counts(texts)
    # One bar per code and per parameter, titled with its count, as long as its count
    # over the chart's largest count.
    assert len(parser.rects) == len(codes) + len(params)
    bars = {}
    for title, rect in zip(parser.bar_titles, parser.rects, strict=True):
        label, count = title.rsplit(": ", 1)
        bars[label] = (int(count), int(rect["width"] or 0))
    for name, count in params.items():
        assert bars[f"--{name}"][0] == count
    for code_name, count in codes.items():
        assert [c for label, (c, _) in bars.items() if label.split()[0] == code_name] == [count]
    for prefix in ("MJ", "--"):
        chart = [(c, w) for label, (c, w) in bars.items() if label.startswith(prefix)]
        top = max(c for c, _ in chart)
        assert all(w == max(1, round(420 * c / top)) for c, w in chart)
        assert max(w for _, w in chart) == 420


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_rows_before_a_bad_csv_block_are_still_reported(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    jobs: str,
) -> None:
    monkeypatch.setattr(cli_tables, "_CSV_BLOCK", 256)
    monkeypatch.setattr(cli_tables, "BATCH_ROWS", 4)
    path = tmp_path / "r.csv"
    rows = "".join(f'{i},"cat {i} –ar 1:1"\n' for i in range(60))
    path.write_text("id,prompt\n" + rows + "1,2,3,4\n", "utf-8")
    code, out, err = run(capsys, "check", str(path), "--format", "json", "-j", jobs)
    assert code == 2
    reported = sorted({f[0] for f in json_findings(out)})
    assert reported == list(range(1, len(reported) + 1))
    assert len(reported) >= 20
    assert f"cannot read past data row {len(reported)}: CSV parse error" in err
