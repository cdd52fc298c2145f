# ruff: noqa: E501  (a table of examples reads best one per line)
"""The 74 example prompts of v7-syntax.md §6, with the verdict of each profile.

Each row: number, prompt, verdict in evolink and in midjourney (``ok`` = no error or
warning; ``warn``; ``error``), the exact diagnostics of each profile (code + first
letter of the severity, sorted), and the ruling taken where the spec's table says [?],
names one profile only, or where a verdict differs from the table's. The table's own
verdict is the trailing comment.
"""

from __future__ import annotations

import pytest

from mjprompt import lint
from mjprompt.diagnostics import Diagnostic

# fmt: off
EXAMPLES = [
    (1, 'a cat --ar 16:9', 'ok', 'ok', '', '', ''),  # valid
    (2, 'a yellow Persian cat --ar 1:2 --s 500', 'ok', 'ok', '', '', ''),  # valid
    (3, 'vibrant tulip field --no red,shadows', 'ok', 'ok', '', '', ''),  # valid
    (4, 'vibrant tulip field --no red, shadows, people', 'ok', 'ok', '', '', ''),  # valid
    (5, 'https://example.com/ref.jpg watercolor landscape --iw 2', 'ok', 'ok', '', '', ''),  # valid
    (6, 'https://example.com/a.png https://example.com/b.webp', 'ok', 'ok', '', '', ''),  # valid
    (7, 'https://example.com/ref.jpg', 'error', 'error', 'MJ202e', 'MJ202e', ''),  # **invalid**
    (8, 'a cat --iw 1.5', 'error', 'warn', 'MJ501e', 'MJ501w', 'only the evolink guide states it: error in evolink, warning in midjourney'),  # **invalid** (evo dependency)
    (9, 'a cat --sref https://example.com/style.jpg --sw 500', 'ok', 'ok', '', '', ''),  # valid
    (10, 'a portrait --sref https://example.com/s1.jpg::2 https://example.com/s2.png::1 --sw 250', 'ok', 'ok', '', '', ''),  # valid
    (11, 'a forest scene --sref random', 'ok', 'ok', '', '', ''),  # valid
    (12, 'ukiyo-e landscape --ar 16:9 --sref 18954037 --profile ps3mcjo --sv 6 --v 7', 'error', 'ok', 'MJ401w MJ407e', '', "the table's verdict is native; evolink: `--profile` unsupported, `--v 7` redundant"),  # valid
    (13, 'a cat --sref 1234567890 --sv 4', 'ok', 'ok', '', '', ''),  # valid
    (14, 'a cat --sref 1234567890 --sv 2', 'error', 'error', 'MJ503e', 'MJ503e', 'issue 14: the fact sheet lists it as a conflict (§3.2) and no first-party source says otherwise'),  # **invalid** [?]
    (15, 'a cat --sw 300', 'error', 'error', 'MJ501e', 'MJ501e', ''),  # **invalid**
    (16, 'a cat --sv 6', 'error', 'error', 'MJ501e', 'MJ501e', '§3.1 lists EVO and OFF for --sv needing --sref: an error in both'),  # **invalid** (evo dependency)
    (17, 'https://example.com/a.jpg --sref https://example.com/s.jpg', 'error', 'error', 'MJ202e MJ501e', 'MJ202e MJ501e', ''),  # **invalid**
    (18, 'a duckling holding a magic wand --oref https://example.com/duck.jpg --ow 300', 'ok', 'ok', 'MJ601i', 'MJ601i', 'valid; the info is the ×2 cost note'),  # valid
    (19, 'a person --stylize 1000 --ow 400 --exp 100 --oref https://example.com/person.png', 'warn', 'warn', 'MJ505w MJ601i', 'MJ505w MJ601i', 'valid; the info is the ×2 cost note; MJ505 warns that --exp 100 suppresses --stylize (§3.3)'),  # valid
    (20, 'a cat --oref https://example.com/x.png https://example.com/y.png', 'error', 'error', 'MJ310e MJ601i', 'MJ310e MJ601i', ''),  # **invalid**
    (21, 'a cat --oref 4440286598', 'error', 'error', 'MJ310e MJ601i', 'MJ310e MJ601i', ''),  # **invalid**
    (22, 'a cat --oref https://example.com/x.png --q 4', 'error', 'error', 'MJ502e MJ601i MJ601i', 'MJ502e MJ601i MJ601i', ''),  # **invalid**
    (23, 'a cat --oref https://example.com/x.png --draft', 'error', 'error', 'MJ408w MJ502e MJ601i', 'MJ502e MJ601i', ''),  # **invalid**
    (24, 'a cat --ow 200', 'error', 'error', 'MJ501e', 'MJ501e', ''),  # **invalid**
    (25, 'a cat --oref https://example.com/x.png --v 8.1', 'error', 'error', 'MJ402e MJ601i', 'MJ402e MJ601i', ''),  # **invalid**
    (26, 'a cat --cref https://example.com/c.png --cw 50', 'error', 'error', 'MJ404e MJ404e', 'MJ404e MJ404e', ''),  # **invalid**
    (27, 'a cat --stop 80', 'error', 'error', 'MJ404e', 'MJ404e', ''),  # **invalid**
    (28, 'a cat --q 2', 'ok', 'ok', 'MJ601i', 'MJ601i', 'valid; the info is the cost note'),  # valid
    (29, 'a cat --q 4', 'ok', 'ok', 'MJ601i', 'MJ601i', 'valid; the info is the cost note'),  # valid
    (30, 'a cat --q .5', 'error', 'error', 'MJ305e', 'MJ305e', ''),  # **invalid**
    (31, 'a cat --q 3', 'error', 'warn', 'MJ305e', 'MJ305w', 'ruled: error in evolink (strict), warning in midjourney (reportedly runs as 4)'),  # **invalid** (strict) / warn
    (32, 'a cat --s 1001', 'error', 'error', 'MJ304e', 'MJ304e', ''),  # **invalid**
    (33, 'a cat --c 150', 'error', 'error', 'MJ304e', 'MJ304e', ''),  # **invalid**
    (34, 'a cat --w 3000 --exp 100 --c 100', 'ok', 'ok', '', '', ''),  # valid
    (35, 'a cat --exp 101', 'error', 'error', 'MJ304e', 'MJ304e', ''),  # **invalid**
    (36, 'a cat --seed 4294967295', 'ok', 'ok', '', '', ''),  # valid
    (37, 'a cat --seed 4294967296', 'error', 'error', 'MJ304e', 'MJ304e', ''),  # **invalid**
    (38, 'a cat --ar 1.78:1', 'error', 'error', 'MJ306e', 'MJ306e', ''),  # **invalid**
    (39, 'a cat --ar 1920:1080', 'ok', 'ok', '', '', ''),  # valid
    (40, 'a cat --ar 15:1', 'error', 'error', 'MJ307e', 'MJ307e', ''),  # **invalid**
    (41, 'a cat --ar16:9', 'error', 'error', 'MJ105e', 'MJ105e', ''),  # **invalid**
    (42, 'a yellow Persian cat--ar 2:3', 'error', 'error', 'MJ104e', 'MJ104e', ''),  # **invalid**
    (43, 'a yellow Persian cat - - ar 2:3', 'error', 'error', 'MJ101e', 'MJ101e', ''),  # **invalid**
    (44, 'a yellow Persian cat --ar 2:3, --s 50', 'error', 'error', 'MJ108e', 'MJ108e', ''),  # **invalid**
    (45, 'a yellow Persian cat --ar 2:3 more description', 'error', 'error', 'MJ107e', 'MJ107e', ''),  # **invalid**
    (46, 'a cat —ar 16:9 —s 250', 'ok', 'ok', 'MJ103i MJ103i', 'MJ103i MJ103i', 'valid; info with a safe fix to `--`'),  # valid (normalise)
    (47, 'a cat –ar 16:9', 'error', 'error', 'MJ101e', 'MJ101e', ''),  # **invalid** (offer autofix)
    (48, 'a cat --ar 16:9 ---', 'error', 'error', 'MJ102e', 'MJ102e', ''),  # **invalid**
    (49, 'a cat --foo 3', 'error', 'error', 'MJ301e', 'MJ301e', ''),  # **invalid**
    (50, 'cyberpunk::2 nature::1 dystopian::-0.5', 'error', 'error', 'MJ210e MJ210e MJ210e', 'MJ210e MJ210e MJ210e', ''),  # **invalid**
    (51, 'hot:: dog', 'error', 'error', 'MJ210e', 'MJ210e', ''),  # **invalid**
    (52, 'product photo --raw', 'ok', 'ok', '', '', ''),  # valid
    (53, 'product photo --style raw', 'ok', 'ok', 'MJ405i', 'MJ405i', '[?] ruled valid with an info and a safe fix to `--raw`'),  # valid [?]
    (54, 'a cat --style cute', 'error', 'error', 'MJ404e', 'MJ404e', ''),  # **invalid**
    (55, 'brick wall texture --tile --ar 1:1', 'ok', 'ok', '', '', ''),  # valid
    (56, 'brick wall texture --tile --draft', 'error', 'warn', 'MJ408w MJ502e', 'MJ502w', 'evolink error, midjourney warning, as the table says; evolink also warns the flag is stripped'),  # **invalid** (evo) / warn (native)
    (57, 'a cat --draft', 'warn', 'ok', 'MJ408w', '', 'evolink: stripped by the API, so a warning with a safe fix'),  # valid (native) / stripped (evo)
    (58, 'a cat --p', 'error', 'ok', 'MJ407e', '', 'valid natively; evolink does not support `--p` (D4): error'),  # valid
    (59, 'a cat --p ps3mcjo', 'error', 'ok', 'MJ407e', '', 'evolink does not support `--p` (D4): error'),  # valid (native) / unsupported (evo)
    (60, 'a cat --personalize', 'error', 'ok', 'MJ407e', '', '[?] ruled valid as an alias of `--p` natively; evolink: unsupported'),  # valid [?]
    (61, 'a cat --sref https://example.com/s.jpg --sw 200 --p m1234567', 'error', 'error', 'MJ407e MJ504e', 'MJ504e', 'issue 14: a first-party conflict (§3.2, OFF Moodboards)'),  # **invalid** [?]
    (62, 'a {red, green, yellow} bird', 'error', 'ok', 'MJ211e', '', 'evolink: permutations are an error pointing to `mjprompt expand`'),  # valid (native)
    (63, 'a landscape --ar {1:1, 16:9, 2:3}', 'error', 'ok', 'MJ211e', '', ''),  # valid (native)
    (64, 'a {red, pastel\\, yellow} bird', 'error', 'ok', 'MJ211e', '', ''),  # valid (native)
    (65, 'A {sculpture, painting} of a {seagull {on a pier, on a beach}, poodle}', 'error', 'ok', 'MJ211e MJ211e', '', '[?] ruled valid: nesting allowed (old official docs)'),  # valid [?]
    (66, 'a neon sign that says "OPEN" --v 7', 'warn', 'ok', 'MJ401w', '', 'evolink: `--v 7` is redundant (PRODUCT.md §5): warning with a safe fix'),  # valid
    (67, 'a cat --v 7 --niji 7', 'error', 'error', 'MJ401w MJ403e', 'MJ403e', ''),  # **invalid**
    (68, 'a cat --repeat 4', 'error', 'ok', 'MJ407e', 'MJ601i', 'native valid with a cost note; evolink unsupported'),  # valid (native, Fast/Turbo, plan ≥ Standard)
    (69, 'a cat --r 41', 'error', 'error', 'MJ407e', 'MJ304e MJ601i', 'evolink reports `--repeat` as unsupported before its range'),  # **invalid**
    (70, 'a cat --hd', 'error', 'error', 'MJ404e', 'MJ404e', ''),  # **invalid**
    (71, 'a cat --motion high --loop', 'error', 'error', 'MJ406e MJ406e', 'MJ406e MJ406e', ''),  # **invalid**
    (72, 'a cat --relax --turbo', 'error', 'error', 'MJ408w MJ409e MJ410e MJ601i', 'MJ409e MJ601i', ''),  # **invalid**
    (73, 'a cat --stealth', 'error', 'ok', 'MJ407e', '', 'evolink unsupported (D4)'),  # valid (native, Pro/Mega) / unsupported (evo)
]
# fmt: on


def _codes(diagnostics: list[Diagnostic]) -> str:
    return " ".join(sorted(f"{d.code}{d.severity.value[0]}" for d in diagnostics))


def _verdict(diagnostics: list[Diagnostic]) -> str:
    severities = {d.severity.value for d in diagnostics}
    if "error" in severities:
        return "error"
    return "warn" if "warning" in severities else "ok"


def test_all_74_examples_are_here() -> None:
    assert [row[0] for row in EXAMPLES] == list(range(1, 74))  # 74 is built below


@pytest.mark.parametrize(
    ("number", "text", "evolink", "midjourney", "evolink_codes", "midjourney_codes", "ruling"),
    EXAMPLES,
    ids=[f"ex{row[0]}" for row in EXAMPLES],
)
def test_example(
    number: int,
    text: str,
    evolink: str,
    midjourney: str,
    evolink_codes: str,
    midjourney_codes: str,
    ruling: str,
) -> None:
    for profile, verdict, codes in (
        ("evolink", evolink, evolink_codes),
        ("midjourney", midjourney, midjourney_codes),
    ):
        found = lint(text, profile=profile)
        assert _codes(found) == codes, (number, profile, ruling)
        assert _verdict(found) == verdict, (number, profile, ruling)


def test_example_74_length_limits_differ() -> None:
    # 74: a 6,001-character prompt is invalid natively (6000) and valid on evolink (8192).
    text = ("a very long prompt, " * 301)[:6001]
    assert len(text) == 6001
    assert _codes(lint(text, profile="midjourney")) == "MJ208e"
    assert _verdict(lint(text, profile="evolink")) == "ok"
    at_limit = ("a cat " * 2000)[:8192]
    assert _verdict(lint(at_limit, profile="evolink")) == "ok"
    assert _codes(lint(at_limit + "x", profile="evolink")) == "MJ208e"
