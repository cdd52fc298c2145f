"""The two suppression comment forms and adding a code to one."""

from __future__ import annotations

from mjprompt.lsp.suppress import (
    NEXT_LINE,
    WHOLE_FILE,
    FileSuppressions,
    add_code,
    covers,
    read_directive,
)


def test_next_line_with_codes():
    d = read_directive("# mjprompt: disable-next-line MJ101,MJ304")
    assert d is not None
    assert d.kind == NEXT_LINE
    assert d.codes == {"MJ101", "MJ304"}


def test_no_codes_means_all():
    d = read_directive("  #mjprompt: disable-next-line")
    assert d is not None
    assert d.codes == frozenset()
    assert covers(d.codes, "MJ999")


def test_file_form_and_prefixes():
    d = read_directive("# mjprompt: disable-file MJ2")
    assert d is not None
    assert d.kind == WHOLE_FILE
    assert covers(d.codes, "MJ210")
    assert not covers(d.codes, "MJ301")


def test_other_lines_are_not_directives():
    assert read_directive("a cat --ar 16:9") is None
    assert read_directive("# a comment about mjprompt") is None
    assert read_directive("# mjprompt: disable-everything") is None


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
