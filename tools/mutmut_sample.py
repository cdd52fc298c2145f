"""The old name of ``tools/mutation_sample.py`` (kept for the commands of this round).

    python tools/mutmut_sample.py client [--all] [--scratch DIR] ...

runs ``python tools/mutation_sample.py client [--sample 0] [--workdir DIR] ...``; every
other option is the same. Use tools/mutation_sample.py.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path


def translate(argv: Sequence[str]) -> list[str]:
    """The old options spelled as tools/mutation_sample.py takes them."""
    out: list[str] = []
    for arg in argv:
        if arg == "--all":
            out += ["--sample", "0"]
        elif arg == "--scratch" or arg.startswith("--scratch="):
            out.append("--workdir" + arg.removeprefix("--scratch"))
        else:
            out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    spec = importlib.util.spec_from_file_location(
        "mutation_sample", Path(__file__).with_name("mutation_sample.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    code: int = module.main(translate(sys.argv[1:] if argv is None else argv))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
