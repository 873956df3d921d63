"""The one error a user can cause: input that does not describe a valid scenario.

The command line turns it into a one-paragraph message and exit status 2;
the message names the file, the field path, the line when known, and what
is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

ECHO_LIMIT = 100  # characters of a value a message repeats


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, so a message never repeats a huge value whole."""
    return text if len(text) <= limit else f"{text[:limit - 1]}… ({len(text):,} characters)"


class ScenarioError(Exception):
    """A scenario file, override or command-line value that cannot be used."""

    def __init__(self, message: str, file: Optional[Path | str] = None,
                 field: Optional[str] = None, line: Optional[int] = None):
        self.message, self.file, self.field, self.line = message, file, field, line
        super().__init__(self.describe())

    def describe(self) -> str:
        """The message as the user sees it: where, then what is wrong and what is allowed."""
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{shorten(self.field)}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message
