"""Unit and property tests of the CLI's building blocks (no subprocess)."""

from __future__ import annotations

import io
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mjprompt.cli.discovery import DEFAULT_INCLUDE, file_kind, matches
from mjprompt.cli.engine import LintJob, process
from mjprompt.cli.jsonscan import (
    JSONDecodeError,
    literal_offsets,
    rewrite_literal,
    scan_array,
    scan_line,
)
from mjprompt.cli.location import Origin, locate
from mjprompt.cli.reporters.text import caret_excerpt, display_width
from mjprompt.cli.sources import FileEnd, PromptItem, Source, read_source, split_lines
from mjprompt.diagnostics import Diagnostic, Severity, Span

# Text with the characters JSON must escape and some it may: quotes, backslashes,
# controls, non-ASCII, astral code points and lone surrogates.
json_text = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\/\b\f\n\r\t\x00\x1f é—😀\u2028'),
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(["\ud83d", "\ude00"]),
    ),
    max_size=40,
)


@given(json_text, st.booleans())
def test_scan_line_finds_the_string_and_its_literal(value, ascii_only):
    line = '{"n": [1, {"prompt": 2}], "prompt": ' + json.dumps(value, ensure_ascii=ascii_only)
    line += ', "x": null}'
    element = scan_line(line, "prompt")
    assert element.value == value
    raw = line[element.start : element.end]
    assert json.loads('"' + raw + '"') == value
    # Each decoded code point maps onto the raw text that spells it.
    offsets = literal_offsets(raw)
    if offsets is None:
        assert raw == value
    else:
        assert len(offsets) == len(value) + 1
        for i, ch in enumerate(value):
            assert json.loads('"' + raw[offsets[i] : offsets[i + 1]] + '"') == ch


@given(json_text, json_text, st.booleans())
def test_rewrite_literal_decodes_to_the_new_text(old, new, ascii_only):
    raw = json.dumps(old, ensure_ascii=ascii_only)[1:-1]
    rewritten = rewrite_literal(raw, old, new)
    assert json.loads('"' + rewritten + '"') == new
    if old == new:
        assert rewritten == raw


def test_rewrite_literal_keeps_escapes_outside_the_change():
    raw = 'caf\\u00e9 \\"x\\" \\u2014ar 2:3'
    old = json.loads('"' + raw + '"')
    new = old.replace("—", "--")
    assert rewrite_literal(raw, old, new) == 'caf\\u00e9 \\"x\\" --ar 2:3'


def test_scan_array_elements_and_errors():
    text = '[ "a",\n {"prompt": "b", "prompt": "c"}, 3, {"x": 1}, {"prompt": [1]} ]'
    elements = list(scan_array(text, "prompt"))
    assert [e.value for e in elements] == ["a", "c", None, None, None]
    assert [e.problem is None for e in elements] == [True, True, False, False, False]
    assert text[elements[1].start : elements[1].end] == "c"
    for bad in ['{"prompt": "x"}', '["a" "b"]', '["a",]', "[", '["a"] x', ""]:
        with pytest.raises(JSONDecodeError):
            list(scan_array(bad, "prompt"))


@given(
    st.lists(st.sampled_from([b"a", b"\xc3\xa9", b"\r", b"\n", b"\r\n", b" ", b"#"]), max_size=60),
    st.integers(min_value=1, max_value=7),
)
def test_split_lines_agrees_with_splitlines_at_any_block_size(parts, block):
    data = b"".join(parts)
    got = list(split_lines(io.BytesIO(data), block=block))
    assert b"".join(line + eol for line, eol in got) == data
    assert [line + eol for line, eol in got] == data.splitlines(keepends=True)


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads = 0

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        return super().read(size)


class SizedReads(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(-1 if size is None else size)
        return super().read(size)


def test_reading_is_lazy_so_memory_does_not_grow_with_the_file():
    stream = CountingStream(b'"a cat --ar 16:9"\n' * 100_000)  # 1.8 MB of JSON Lines
    items = read_source(Source("-", "jsonl", stdin=True), stdin=stream)
    first = list(itertools.islice(items, 4))
    assert [type(i).__name__ for i in first] == ["FileStart"] + ["PromptItem"] * 3
    assert stream.reads == 1  # one 64 KiB block, not the file


def test_text_files_are_read_twice_in_blocks_never_whole():
    # The first pass looks for suppression comments (a disable-file line may come last).
    stream = SizedReads(b"a cat --ar 16:9\n" * 100_000 + b"# mjprompt: disable-file\n")
    items = read_source(Source("-", "text", stdin=True), stdin=stream)
    first = list(itertools.islice(items, 4))
    kinds = [type(i).__name__ for i in first]
    assert kinds == ["FileStart", "Suppressions", "PromptItem", "PromptItem"]
    assert stream.sizes and all(0 < size <= 1 << 16 for size in stream.sizes)


def _endless():
    origin = Origin("x", 1, 0)
    for n in itertools.count():
        yield PromptItem("a cat --ar 16:9" if n % 2 else "a cat –ar 16:9", origin)


@pytest.mark.parametrize("jobs", [1, 2])
def test_process_streams_and_keeps_order(jobs):
    # An endless input: only a bounded number of chunks may be taken ahead of the output.
    out = process(LintJob("check"), _endless(), jobs=jobs, chunk_size=64)
    first = list(itertools.islice(out, 1000))
    assert [bool(o.diagnostics) for _, o in first] == [n % 2 == 0 for n in range(1000)]
    out.close()


def test_process_passes_non_prompt_items_through_in_order():
    src = Source("a", "text")
    items = [PromptItem("a –ar 1:1", Origin("a", 1, 0)), FileEnd(src)]
    got = list(process(LintJob("fix"), items))
    assert got[0][1] is not None and got[0][1].text == "a --ar 1:1"
    assert got[1] == (FileEnd(src), None)


def test_locate_maps_json_escapes_to_file_columns():
    raw = "caf\\u00e9 \\u2014ar"
    prompt = json.loads('"' + raw + '"')
    origin = Origin("p.json", 7, 12, raw, "", 0)
    d = Diagnostic("MJ103", "em-dash-marker", Severity.INFO, "m", Span(5, 8))
    (finding,) = locate(origin, prompt, [d])
    region = finding.region
    assert (region.line, region.column, region.end_line, region.end_column) == (7, 23, 7, 31)


def test_locate_multiline_prompt():
    d = Diagnostic("MJ101", "x", Severity.ERROR, "m", Span(6, 8))
    (finding,) = locate(Origin(None, 3, 0), "ab\r\ncd ef", [d])
    assert (finding.region.line, finding.region.column) == (4, 3)


def test_caret_excerpt():
    assert caret_excerpt("a\tb cat", 5, 8) == ("a\tb cat", " \t  ^^^")
    line, carets = caret_excerpt("x" * 300, 200, 203)
    assert line.startswith("…") and line.endswith("…") and len(line) <= 102
    assert line[carets.index("^")] == "x"
    assert display_width("猫 cat") == 6


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.prompt", True),
        ("dir/a.prompts", True),
        ("a.prompts.txt", True),
        ("x/a.prompts.jsonl", True),
        ("a.prompts.json", True),
        ("prompts/a.txt", True),
        ("deep/prompts/a.txt", True),
        ("prompts/deeper/a.txt", False),
        ("a.txt", False),
        ("a.prompt.bak", False),
        ("a.json", False),
        ("promptsx/a.txt", False),
    ],
)
def test_default_patterns(path, expected):
    assert matches(path, DEFAULT_INCLUDE) is expected


def test_file_kinds():
    assert [file_kind(n) for n in ("a.JSONL", "a.ndjson", "a.prompts.json", "a.txt", "")] == [
        "jsonl",
        "jsonl",
        "json",
        "text",
        "text",
    ]


@settings(max_examples=50)
@given(st.text(max_size=80))
def test_text_line_items_rebuild_the_file(text):
    data = text.encode("utf-8", "surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return
    items = list(read_source(Source("-", "text", stdin=True), stdin=io.BytesIO(data), keep=True))
    rebuilt = "".join(
        i.text for i in items if isinstance(i, PromptItem) or type(i).__name__ == "Verbatim"
    )
    assert rebuilt.encode("utf-8") == data


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=200)
    | st.text(alphabet='{}[]":,\\ \n\r\t#–—-abpromptu0123456789é', max_size=120).map(
        lambda t: t.encode("utf-8")
    ),
    st.sampled_from(["x.prompt", "x.jsonl", "x.json"]),
    st.sampled_from(["check", "fix", "format"]),
)
def test_any_file_content_gives_an_exit_code_never_an_exception(data, name, mode):
    from mjprompt.cli.options import Settings
    from mjprompt.cli.reporters import make_reporter
    from mjprompt.cli.runner import Runner

    out, err = io.StringIO(), io.StringIO()
    source = Source(name, file_kind(name), stdin=True)
    runner = Runner(
        mode,
        Settings(jobs=1),
        make_reporter("json", out, err),
        out=out,
        err=err,
        stdin=io.BytesIO(data),
        write=True,
    )
    code = runner.run(iter([source]))
    assert code in (0, 1, 2)
    if mode == "check":
        json.loads(out.getvalue())  # the report stays valid JSON
    if code == 2:
        assert err.getvalue().startswith(name + ":")
