"""The canonical form."""

from __future__ import annotations

import pytest

import mjprompt
from mjprompt.parser import parse_lenient


@pytest.mark.parametrize(
    ("src", "canonical"),
    [
        ("a cat --ar 16:9", "a cat --ar 16:9"),
        ("  a   cat\n\t--s 500   --aspect 16:9 ", "a cat --ar 16:9 --stylize 500"),
        ("a cat —ar 3:2 —s 250", "a cat --ar 3:2 --stylize 250"),
        ("a cat --AR16:9 --V 7", "a cat --ar 16:9 --v 7"),
        ("<https://s.mj.run/x> a cat", "https://s.mj.run/x a cat"),
        ("a cat --foo 1 --ar 1:1 --bar", "a cat --ar 1:1 --foo 1 --bar"),
        ("super{man,  woman} --ar {1:1,2:3}px", "super{man, woman} --ar {1:1, 2:3}px"),
        ("a cat --no red,  blue", "a cat --no red, blue"),
        ("a cat ---", "a cat ---"),
        ("hot:: dog::2", "hot:: dog::2"),
        ("", ""),
        ("x {a{b,c}  d}", "x {a{b, c} d}"),
        ("a { b {c,d} , e }x", "a {b {c, d}, e}x"),
        # found by the fuzzer: an unclosed group must stay last or it swallows what follows
        ("x --mag y --ar {m", "x --mag y --ar {m"),
        # an escaped trailing space stays, or the backslash would escape the `}`
        ("--A{\\ }0", "--A {\\ }0"),
        ("{a\\  , b}", "{a\\ , b}"),
        # (mutation testing) three backslashes escape the space too; one at the very end
        # escapes nothing and gains no space; an escaped space touches a nested group
        ("{a\\\\\\ , b}", "{a\\\\\\ , b}"),
        ("{a\\", "{a\\"),
        ("{a\\ {b,c}}", "{a\\ {b, c}}"),
        # a bracketed image keeps its brackets only when something touches the `>`
        ("<https://s.mj.run/x>", "https://s.mj.run/x"),
        ("<https://s.mj.run/x>\u2013ar 2:3", "<https://s.mj.run/x>\u2013ar 2:3"),
        ("<https://s.mj.run/x>, a cat", "<https://s.mj.run/x>, a cat"),
        # (fuzzer) text that opens like a bracketed image keeps the whitespace of the
        # groups touching it: `{a}>` would close the brackets into an image
        ("<https://x.png?{ a}> cat", "<https://x.png?{ a}> cat"),
        ("<HTTPS://x.png?{a,\tb }> {c,  d}", "<HTTPS://x.png?{a, b }> {c, d}"),
        ("https://y.png <https://x/{\x1fa}>", "https://y.png <https://x/{ a}>"),
        ("<https://x/ {\x1fa}>", "<https://x/ {a}>"),
        ("cat <https://x/{ a}>", "cat <https://x/{a}>"),
        # (fuzzer) a glued value ending in a backslash stays glued: after a space, `\{`
        # would be an escaped brace instead of the `\` before a group; an even run of
        # backslashes escapes nothing
        ("x --g\\{a,b}", "x --g\\{a, b}"),
        ("x --g\\\\\\{a,b}", "x --g\\\\\\{a, b}"),
        ("x --g\\\\{a,b}", "x --g \\\\{a, b}"),
        ("x --g{a,b}", "x --g {a, b}"),
    ],
)
def test_render(src: str, canonical: str) -> None:
    assert mjprompt.render(parse_lenient(src)) == canonical
    assert mjprompt.render(parse_lenient(canonical)) == canonical


def test_render_keeps_parameter_values_and_order_is_the_table_order() -> None:
    src = "x --v 7 --seed 1 --chaos 5 --ar 2:3 --no a --stylize 9 --sref 1 --sw 5"
    out = mjprompt.render(mjprompt.parse(src))
    assert out == "x --ar 2:3 --chaos 5 --stylize 9 --seed 1 --sref 1 --sw 5 --no a --v 7"


def test_render_deep_nesting_does_not_recurse() -> None:
    src = "{" * 10_000 + "}" * 10_000
    assert mjprompt.render(parse_lenient(src)) == src


@pytest.mark.parametrize(
    "prefix", ["<http://", "<https://", "<HTTPS://", "<hTtP://", "<ftp://", "<http:/"]
)
def test_the_open_bracket_test_agrees_with_the_grammar(prefix: str) -> None:
    # render's `_OPEN_BRACKET_URL` restates the start of the IMAGE terminal's bracketed
    # form (prompt.lark): what the grammar reads as a bracketed image, it matches.
    from mjprompt.render import _OPEN_BRACKET_URL

    images = parse_lenient(prefix + "x/a.png> cat").images
    is_image = bool(images) and images[0].bracketed
    assert bool(_OPEN_BRACKET_URL.match(prefix)) == is_image
