"""The two suppression comment forms (read by the CLI's parser) and adding a code to one."""

from __future__ import annotations

from mjprompt.cli.suppression import applies
from mjprompt.lsp.suppress import (
    NEXT_LINE,
    WHOLE_FILE,
    FileSuppressions,
    add_code,
    directive_of,
    next_line_directives,
)


def test_next_line_with_codes():
    d = directive_of("# mjprompt: disable-next-line MJ101,MJ304")
    assert d is not None
    assert d.kind == NEXT_LINE
    assert d.codes == ("MJ101", "MJ304")


def test_no_codes_means_all():
    d = directive_of("  #mjprompt: disable-next-line")
    assert d is not None
    assert d.codes == ()
    assert applies(d, "MJ999")


def test_file_form_and_prefixes():
    d = directive_of("# mjprompt: disable-file MJ2")
    assert d is not None
    assert d.kind == WHOLE_FILE
    assert applies(d, "MJ210")
    assert not applies(d, "MJ301")


def test_other_lines_are_not_directives():
    assert directive_of("a cat --ar 16:9") is None
    assert directive_of("# a comment about mjprompt") is None
    assert directive_of("# mjprompt: disable-everything") is None


def test_file_suppressions_collect_every_comment():
    sup = FileSuppressions(["# mjprompt: disable-file MJ210", "x", "# mjprompt: disable-file MJ3"])
    assert sup.suppresses("MJ210")
    assert sup.suppresses("MJ301")
    assert not sup.suppresses("MJ101")
    assert not FileSuppressions(["a cat"]).suppresses("MJ101")
    assert FileSuppressions(["# mjprompt: disable-file"]).suppresses("MJ101")


def test_add_code():
    assert add_code("# mjprompt: disable-next-line MJ101", "MJ304") == (
        "# mjprompt: disable-next-line MJ101,MJ304"
    )
    assert add_code("# mjprompt: disable-next-line MJ101", "MJ101") is None
    assert add_code("# mjprompt: disable-next-line", "MJ101") is None  # already all
    assert add_code("# a comment", "MJ101") is None


def test_a_malformed_code_list_is_no_directive():
    # `mjprompt check` rejects it; it must never read as "every rule".
    assert directive_of("# mjprompt: disable-next-line MJ-101") is None
    assert not FileSuppressions(["# mjprompt: disable-file MJ-1"]).suppresses("MJ101")


def test_next_line_means_the_next_prompt_line():
    lines = [
        "# mjprompt: disable-next-line MJ101",
        "# a note",
        "# mjprompt: disable-next-line MJ3",
        "a cat",
        "",
        "# mjprompt: disable-next-line MJ2",
        "",
        "a dog",
    ]
    covering = next_line_directives(lines.__getitem__, 3)
    assert sorted(c for d in covering for c in d.codes) == ["MJ101", "MJ3"]
    assert next_line_directives(lines.__getitem__, 7) == []  # a blank line ends it
