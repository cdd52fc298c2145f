"""The payment path refuses what would be billed wrongly (issue 21, payload target).

Each test pins a behaviour that a mutant of ``payload.py`` (or of a rule the payload
relies on) changed without any other test noticing; the mutant is named in the test.
"""

from __future__ import annotations

import pytest

from mjprompt.payload import PayloadError, build_payload


def _refused_at(text: str) -> list[str]:
    """The text under each diagnostic of the refusal of ``text``."""
    with pytest.raises(PayloadError) as caught:
        build_payload(text)
    return [text[d.span.start : d.span.end] for d in caught.value.diagnostics]


def test_an_oref_with_a_weight_is_refused() -> None:
    # tools/mutants.toml M32: `--oref URL::2` accepted (Omni Reference takes no weight).
    url = "https://example.com/x.png"
    assert any(url in under for under in _refused_at(f"a cat --oref {url}::2"))
    assert build_payload(f"a cat --oref {url}")["prompt"] == f"a cat --oref {url}"
