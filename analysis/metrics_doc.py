"""Keep the metric reference table of ``docs/metrics.md`` in step with ``sim.observe.metrics.DEFINITIONS``.

Regenerate with ``python -m analysis.metrics_doc``; a test checks it is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.observe.metrics import DEFINITIONS

DOC = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"
HEADER = "| metric | definition |\n|---|---|\n"
END = "\n## Per-day"


def render(text: str) -> str:
    """``text`` with its reference table rewritten from the definitions."""
    head, rest = text.split(HEADER)
    table = "".join(f"| `{name}` | {meaning} |\n" for name, meaning in DEFINITIONS.items())
    return head + HEADER + table + rest[rest.index(END):]


def main() -> int:
    DOC.write_text(render(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
