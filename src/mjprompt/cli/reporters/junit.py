"""``--format junit``: JUnit XML, which CI systems (GitLab, Jenkins, Azure) show as tests.

One ``<testsuite>`` per file with findings, one ``<testcase>`` per finding holding a
``<failure>`` (``type`` is the code, ``message`` the message), as ruff and eslint write
it. The counts of a suite must precede its cases, so the findings of a run are held
until the end (only here: the other formats stream). A clean run is one suite with one
passing case, so the CI shows that the check ran.

JUnit XML has no single published schema; the tests check the structure of the widely
used Jenkins/Ant form (``testsuites > testsuite[name, tests, failures, errors] >
testcase[name, classname] > failure[message, type]``).
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..location import FileFinding
from ..terminal import printable
from .base import Reporter, Summary

__all__ = ["JunitReporter"]


def _attr(text: str) -> str:
    # XML 1.0 cannot hold most control characters, even escaped: show them as escapes.
    return quoteattr(printable(text))


class JunitReporter(Reporter):
    def start(self) -> None:
        self._files: dict[str, list[FileFinding]] = {}

    def finding(self, finding: FileFinding) -> None:
        path = finding.path if finding.path is not None else "<prompt>"
        self._files.setdefault(path, []).append(finding)

    def finish(self, summary: Summary, mode: str) -> None:
        out = self.out
        total = sum(len(f) for f in self._files.values())
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<testsuites name="mjprompt" tests="{max(total, 1)}" failures="{total}">\n')
        if not self._files:
            out.write('  <testsuite name="mjprompt" tests="1" failures="0" errors="0">\n')
            out.write('    <testcase name="mjprompt" classname="mjprompt"/>\n')
            out.write("  </testsuite>\n")
        for path, findings in self._files.items():
            n = len(findings)
            out.write(f'  <testsuite name={_attr(path)} tests="{n}" failures="{n}" errors="0">\n')
            for f in findings:
                d, r = f.diagnostic, f.region
                name = f"{d.code} at {path}:{r.line}:{r.column}"
                text = f"{path}:{r.line}:{r.column}: {d.code} {d.severity.value} {d.message}"
                out.write(f"    <testcase name={_attr(name)} classname={_attr(path)}>\n")
                out.write(
                    f"      <failure message={_attr(d.message)} type={_attr(d.code)}>"
                    f"{escape(printable(text))}"
                    "</failure>\n"
                )
                out.write("    </testcase>\n")
            out.write("  </testsuite>\n")
        out.write("</testsuites>\n")
