"""The rule catalogue, ``docs/rules.md``, rendered from the registry.

    python -m mjprompt.rules.catalog > docs/rules.md

Each rule's docstring is its documentation; this module only arranges them, adds each
rule's severities and fix safety, and the rows of the dependency and conflict tables.
A test fails when ``docs/rules.md`` differs from :func:`render_markdown`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from ..params import CONFLICTS, REQUIREMENTS, Requirement
from . import FAMILIES, PROFILES, REGISTRY, Rule

__all__ = ["render_markdown"]


def _severity(r: Rule, profile: str) -> str:
    return r.severity_word(profile, off="—")


def _cell(sev: object) -> str:
    return "—" if sev is None else str(sev)


def _needs(req: Requirement) -> str:
    if req.needs == "@image":
        return "an image prompt"
    if req.needs == "@text":
        return "a text prompt"
    return f"`--{req.needs}`"


def _requirements_table() -> list[str]:
    lines = [
        "| Parameter | Needs | evolink | midjourney | Message | Source |",
        "|---|---|---|---|---|---|",
    ]
    for r in REQUIREMENTS:
        lines.append(
            f"| `--{r.param}` | {_needs(r)} | {_cell(r.evolink)} | {_cell(r.midjourney)} "
            f"| {r.message} | {r.source} |"
        )
    return lines


def _conflicts_table() -> list[str]:
    lines = [
        "| Parameter | With | evolink | midjourney | Message | Source |",
        "|---|---|---|---|---|---|",
    ]
    for c in CONFLICTS:
        first = f"`--{c.first}`" + (f" {'/'.join(c.first_values)}" if c.first_values else "")
        second = f"`--{c.second}`" + (f" {'/'.join(c.second_values)}" if c.second_values else "")
        lines.append(
            f"| {first} | {second} | {_cell(c.evolink)} | {_cell(c.midjourney)} "
            f"| {c.message} | {c.source} |"
        )
    return lines


# Where the sources leave a choice open, the choice taken, written down.
RULINGS = (
    "Relations (MJ501, MJ502): an error where Midjourney's docs and the evolink guide "
    "agree; where only the evolink guide states it, an error in evolink and a warning in "
    "midjourney; soft interactions are warnings; a pair that cannot co-occur by its "
    "nature is an error (below).",
    "`--oref` with Fast mode is not reported: the sources contradict each other "
    "[EVO], [MJ-OMNI]. Draft and `--q 4` are errors.",
    "`--q 3` is an error in evolink and a warning in midjourney (reportedly run as 4), "
    "with an unsafe fix to `--q 4`; `--q .25`/`.5` are errors in both.",
    "Policy decisions revisited (issue 14), where no first-party source says otherwise: "
    "(1) `::` multi-prompt weights in the text are an error in both profiles (MJ210): "
    "Midjourney's Version chart marks multi-prompting unsupported in V7 [MJ-VER], "
    "evolink calls it unsupported [EVO]. "
    "(2) Style codes or `random` with `--sv` other than 4 or 6 are an error (MJ503): "
    "third-party tests report the errors [3P-GC]; the first-party note that `--sv` "
    "accepts 1-6 [MJ-SREF] is about `--sv` alone. "
    "(3) Moodboard codes in `--p` with `--sw` or `--sv` are an error (MJ504), after "
    "Midjourney's Moodboards and Style Reference pages [OFF], [MJ-SREF]. "
    "(4) `--stealth` with `--public` is an error in midjourney (MJ502): a job has one "
    "visibility (an inference; no first-party text says otherwise); in evolink each is "
    "already an error (MJ407).",
    "Soft interactions are warnings (MJ505, and `--seed` with Turbo in MJ502); the "
    'sources\' "high" and "above about" [MJ-OMNI], [EVO] are made concrete as '
    "`--stylize` 500+, `--exp` above 25, `--ow` above 400 (unless `--stylize` 750+).",
    "Prose is not parameters: a bare `--` followed by a word, and an en dash, minus sign "
    "or other dash glued to a word of the text, are text; a dash marker in the text is "
    "reported (MJ101) only at its end, where a parameter may stand, before a known "
    "parameter name (or one close to it) and words that read as its value. MJ102 "
    "reports a bare `--` at the end of the prompt or right before another marker.",
    "A value followed by sentence punctuation (`.`, `,`, `;`, `!`) is MJ108 for every "
    "kind of value, with a safe fix; a trailing dot is not a decimal point.",
    "Image formats other than .png, .gif, .webp, .jpg and .jpeg (`.heic`, `.avif`, "
    "`.tiff`…) are an error in evolink and a warning in midjourney (MJ216); image "
    "prompts and the URLs of `--oref` and `--sref` get the same URL checks (MJ203, "
    "MJ204, MJ216).",
    "`--p`, `--repeat`, `--stealth` and `--public` are errors in evolink (MJ407): the API "
    "does not offer them. A bare `--p` is valid in midjourney.",
    "`--style raw` is valid: an info with a safe fix to `--raw` (MJ405).",
    "A parameter given twice is an error (MJ302), with a safe fix when the value is the "
    "same; the list parameters (`--sref`, `--p`, `--no`) twice are a warning (prompts "
    "from Midjourney's gallery repeat them) with an unsafe fix that merges the values.",
    "Permutations may nest. Options are stripped of surrounding whitespace; only `\\,` "
    "is unescaped (other backslashes stay). `\\{` and `\\}` are literal braces in the "
    "text and in values: they open and close no group. The cap of 40 counts expansions (not "
    "multiplied by `--repeat`); prompts nested deeper than 50 levels are not expanded.",
    "A value with a group or a stray `}` is judged (MJ303-MJ307, MJ601) on the words "
    "before it when they are the whole value, in every profile: `--s 2000 {a, b}` is out "
    "of range in each expansion. A word glued to a group (`--ar 16{:9, :10}`) and a "
    "group first (`--s {500, 2000}`) are judged per expansion (midjourney) only.",
    "A bare `--niji` is read as a Niji selector (no missing-value error); it is MJ403.",
    "Lengths count code points (MJ208); MJ209 warns when UTF-16 units pass the limit.",
)

# The corpus re-run of issue 14 (`python bench/corpus_summary.py`, 2,067 real prompts of
# /work/shared/corpus), written by hand from a diff of every prompt's diagnostics before
# and after the change; each changed verdict was read.
CORPUS_SUMMARY = (
    "## Corpus summary",
    "",
    "`python bench/corpus_summary.py` over the 2,067 real prompts of the corpus, after "
    "issue 14 (before → after):",
    "",
    "| Profile | Clean (no diagnostic) | No error |",
    "|---|---|---|",
    "| evolink | 921 → 919 (44.5%) | 1,299 → 1,300 (62.9%) |",
    "| midjourney | 1,201 → 1,197 (57.9%) | 1,575 → 1,433 (69.3%) |",
    "",
    "Diagnostics changed on 239 prompts; the verdict (clean, info, warning or error) "
    "changed on 153 prompts in at least one profile. Each change was reviewed:",
    "",
    "- 143 prompts (midjourney): `::` multi-prompt weights in the text went from a "
    "warning to an error (MJ210), the policy ruling above; 83 more prompts had MJ210 "
    "already beside another error. All are V5-era multi-prompts (`bliss :: ultra "
    "realistic`, `zombie bride::1.6`); single colons (`centered:0.2`) stay text.",
    "- 9 prompts: the new MJ505 warns, all as intended: `--exp` 40-90 with `--stylize` "
    "or `--profile` (8), `--ow 450` with `--oref` and no very high `--stylize` (1). "
    "The verdict changed on 7 (clean or info → warning); the other 2 had errors.",
    "- 1 prompt: `… dominate the room -ar 16:9` now gets MJ101 with a safe fix to "
    "`--ar 16:9` (a single hyphen before a parameter at the end of the text): a real "
    "mistake, clean before.",
    "- 2 prompts: `… purple - - Smooth Upscale - -` lost MJ101 and MJ301: `- -` "
    "before a word that is no parameter is prose (one of them is now clean).",
    "- 1 prompt: `… sad halftone -- zineq` lost MJ102: a bare `--` before a word is a "
    "prose dash (now clean).",
    "",
    "No corpus prompt changed through the trailing-punctuation rule (MJ108), the "
    "escaped braces, the reference-URL checks or the image formats (MJ216): the corpus "
    "has none of those; the cases in tests/rules/cases.json cover them.",
)

# The public pages behind the source keys of the docstrings and tables (`[EVO]`).
SOURCES = (
    (
        "EVO",
        "evolink, Midjourney V7 Prompt Parameter Guide",
        "https://docs.evolink.ai/en/api-manual/image-series/midjourney/midjourney-v7-prompt-guide",
    ),
    (
        "EVO-API",
        "evolink, Midjourney V7 image generation (mj-v7)",
        "https://docs.evolink.ai/en/api-manual/image-series/midjourney/mj-v7-image-generate",
    ),
    ("OFF", "Midjourney documentation", "https://docs.midjourney.com/"),
    (
        "MJ-PARAMS",
        "Midjourney, Parameter List",
        "https://docs.midjourney.com/docs/parameter-list",
    ),
    (
        "MJ-VER",
        "Midjourney, Version",
        "https://docs.midjourney.com/hc/en-us/articles/32199405667853-Version",
    ),
    (
        "MJ-OMNI",
        "Midjourney, Omni Reference",
        "https://docs.midjourney.com/hc/en-us/articles/36285124473997-Omni-Reference",
    ),
    (
        "MJ-SREF",
        "Midjourney, Style Reference",
        "https://docs.midjourney.com/hc/en-us/articles/32180011136653-Style-Reference",
    ),
    (
        "GPU-Speed",
        "Midjourney, GPU Speed (Fast, Relax and Turbo), in the Midjourney documentation",
        "https://docs.midjourney.com/",
    ),
    (
        "ERR-KIN",
        "Kinovi, midjourney-v7-niji model page (Midjourney's failure messages)",
        "https://kinovi.ai/models/midjourney-v7-niji",
    ),
    (
        "3P-GC",
        "Geeky Curiosity, complete comparison and testing guide (style codes and `--sv`)",
        "https://geekycuriosity.substack.com/p/complete-comparison-and-testing-guide",
    ),
    ("3P", "third-party reports and tests (named where they are used)", ""),
)


def _sources() -> list[str]:
    lines = ["## Sources", "", "The keys in brackets and in the Source columns:", ""]
    for key, title, url in SOURCES:
        lines.append(f"- **{key}**: {title}" + (f", <{url}>" if url else ""))
    return lines


_TABLES: dict[str, Callable[[], list[str]]] = {
    "MJ501": _requirements_table,
    "MJ502": _conflicts_table,
}


def _doc_markdown(doc: str) -> str:
    # The examples become list items, so that Markdown keeps them on their own lines.
    lines = []
    for line in doc.splitlines():
        head = line.split(" ", 1)[0]
        if head.startswith(("Fails", "Passes")):
            line = "- " + line
        lines.append(line)
    return "\n".join(lines)


def _family_title(module: object) -> str:
    doc = (getattr(module, "__doc__", None) or "").strip()
    return doc.split("\n", 1)[0].rstrip(".")


def render_markdown() -> str:
    """The Markdown catalogue of every registered rule."""
    out = [
        "# Rules",
        "",
        "<!-- Generated by `python -m mjprompt.rules.catalog > docs/rules.md`;"
        " do not edit by hand. -->",
        "",
        "Every diagnostic has a stable code (never reused), a kebab-case name, a severity "
        "per profile (`—`: the rule does not run in that profile) and, where possible, a "
        "fix: *safe* fixes are applied by `mjprompt fix`, *unsafe* ones only when asked "
        "(`mjprompt.fix(text, unsafe=True)`). Select or ignore rules by code prefix (`MJ3`), "
        "code or name.",
        "",
        "In the midjourney profile, a prompt with permutations is also linted one expansion "
        "at a time (up to 40): a finding of an expansion is reported at the span of the "
        "prompt it comes from, with the expansion named.",
        "",
        "Rulings where the specification leaves the choice open:",
        "",
        *(f"- {ruling}" for ruling in RULINGS),
        "",
        "| Code | Name | " + " | ".join(PROFILES) + " | Fix |",
        "|---|---|" + "---|" * len(PROFILES) + "---|",
    ]
    rules = [REGISTRY[code] for code in sorted(REGISTRY)]
    for r in rules:
        sevs = " | ".join(_severity(r, p) for p in PROFILES)
        out.append(f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {sevs} | {r.fix or '—'} |")
    titles = {m.__name__: _family_title(m) for m in FAMILIES}
    current = ""
    for r in rules:
        family = r.func.__module__
        if family != current:
            current = family
            out += ["", f"## {titles.get(family, family)}"]
        sevs = ", ".join(f"{p} {_severity(r, p)}" for p in PROFILES)
        out += [
            "",
            f'<a id="{r.code.lower()}"></a>',
            "",
            f"### {r.code} `{r.name}`",
            "",
            f"Severity: {sevs}. Fix: {r.fix or 'none'}.",
            *(
                ["", *(f"- Except {line}." for line in r.variant_lines(PROFILES))]
                if r.variants
                else []
            ),
            "",
            _doc_markdown(r.doc),
        ]
        table = _TABLES.get(r.code)
        if table is not None:
            out += ["", *table()]
    out += ["", *_sources()]
    out += ["", *CORPUS_SUMMARY]
    return "\n".join(out) + "\n"


def main() -> int:
    sys.stdout.write(render_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
