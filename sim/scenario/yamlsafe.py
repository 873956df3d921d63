"""Read a scenario file's bytes and parse its YAML within fixed bounds.

A scenario file is small, hand-written text. Anything else handed to the
loader (a FIFO, a device, a file of hundreds of megabytes, an alias "bomb"
that expands exponentially, nesting thousands of levels deep, an alias inside
the value it names) is refused here, quickly and with a ``ScenarioError``
naming the file, before it can block, exhaust memory or overflow the stack.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

import yaml

from .errors import ECHO_LIMIT, ScenarioError, shorten

MAX_BYTES = 1_048_576  # 1 MB: the shipped scenarios are under 10 kB
MAX_DEPTH = 50  # levels of nesting; a scenario needs fewer than 10
MAX_VALUES = 50_000  # keys, values and list items written out; the largest shipped scenario has 505
MAX_ALIAS_VALUES = 10_000  # values that aliases (*name, <<: *name) may repeat in all

_NOT_REGULAR = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                (stat.S_ISSOCK, "a socket"))


def read_text(path: Path) -> str:
    """The text of the scenario file at ``path``: a regular file of at most ``MAX_BYTES`` of UTF-8.

    The file type is checked before the file is opened and again on the open
    descriptor, which is opened non-blocking, so a FIFO can never block and a
    device is never read; at most ``MAX_BYTES + 1`` bytes are read, since
    ``/proc`` files report a size of 0.
    """
    try:
        _check_regular(path, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ScenarioError("no such file; give the path of a scenario YAML file (see scenarios/)", path) from None
    except OSError as exc:
        raise ScenarioError(f"cannot be read ({exc.strerror or exc.__class__.__name__})", path) from None
    with os.fdopen(fd, "rb") as handle:
        _check_regular(path, os.fstat(fd).st_mode)
        try:
            data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ScenarioError(f"cannot be read ({exc.strerror or exc.__class__.__name__})", path) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(f"is larger than 1 MB ({MAX_BYTES:,} bytes), the most a scenario file may hold; "
                            "a scenario is a short text file (see scenarios/)", path)
    return _decode(data, path)


def _check_regular(path: Path, mode: int) -> None:
    """Refuse anything but a regular file: reading a FIFO blocks, reading a device may never end."""
    for test, kind in _NOT_REGULAR:
        if test(mode):
            raise ScenarioError(f"is {kind}, not a regular file; give the path of a scenario YAML file", path)
    if not stat.S_ISREG(mode):
        raise ScenarioError("is not a regular file; give the path of a scenario YAML file", path)


def _decode(data: bytes, path: Path) -> str:
    """``data`` as text, refusing invalid UTF-8 and NUL bytes (binary files) at their line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} cannot be decoded); "
                            "save the scenario as UTF-8", path, None, data.count(b"\n", 0, exc.start) + 1) from None
    if "\0" in text:
        raise ScenarioError("contains a NUL byte, so it is not a text file; a scenario is a YAML text file",
                            path, None, text.count("\n", 0, text.index("\0")) + 1)
    return text


def parse(text: str, source: Path | str, inspect: Callable[[yaml.Node], None] = lambda node: None) -> object:
    """The data of one YAML document, read by ``BoundedLoader``; ``inspect`` sees its node tree (for line
    numbers) as written, before merge keys (``<<: *name``) are expanded into it.

    Every YAML problem becomes a ``ScenarioError`` naming ``source`` and the
    line: syntax errors, characters YAML does not allow, bad values, and the
    bounds on nesting and aliases.
    """
    loader = None
    try:
        loader = BoundedLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        inspect(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, source) from None
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_error(exc: yaml.YAMLError, text: str, source: Path | str) -> ScenarioError:
    """A YAML error of any kind as a ``ScenarioError`` at its line."""
    if isinstance(exc, yaml.reader.ReaderError):  # raised before any mark exists: position in the text
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return ScenarioError(f"contains the control character U+{ord(character):04X}, which YAML does not allow "
                             "in a text file", source, None, text.count("\n", 0, exc.position) + 1)
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    problem = str(getattr(exc, "problem", None) or exc)
    if isinstance(exc, _BoundError):
        return BoundsExceeded(problem, source, None, line)
    problem = shorten(problem, 3 * ECHO_LIMIT)  # PyYAML's own words may quote an anchor or a tag
    message = (problem if isinstance(exc, yaml.constructor.ConstructorError)
               else f"YAML syntax error: {problem}; check indentation, colons and quotes")
    return ScenarioError(message, source, None, line)


class BoundsExceeded(ScenarioError):
    """YAML refused for its shape, not its syntax: nested too deep, too many aliased values, an alias in itself."""


class _BoundError(yaml.composer.ComposerError):
    """``BoundsExceeded`` while PyYAML composes, so that it carries the position of the offending node."""


class BoundedLoader(yaml.SafeLoader):
    """A safe loader with bounded nesting and alias expansion, whose value errors point at their line.

    While the document is composed, each node's size as the data will have it
    (aliases expanded) and its height are recorded; the values aliases repeat
    are counted against ``MAX_ALIAS_VALUES``, so modest use of anchors is
    allowed while a "billion laughs" file is refused after a few thousand
    values, not after exhausting memory. Nesting deeper than ``MAX_DEPTH`` is
    refused as it is met, before Python's recursion limit is, and a document
    of more than ``MAX_VALUES`` values, which would keep the pure-Python parser
    busy for many seconds, after its first ``MAX_VALUES``.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._aliased = 0
        self._measure: dict[int, tuple[int, int]] = {}  # id(node) -> (values with aliases expanded, height)

    def compose_node(self, parent, index):
        """Compose one node, keeping the bounds (see the class)."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            return self._alias(super().compose_node(parent, index), event)
        self._depth += 1
        self._values += 1
        if self._depth > MAX_DEPTH:
            raise _BoundError(None, None, f"nested more than {MAX_DEPTH} levels deep, the most a scenario "
                                          "file may be", event.start_mark)
        if self._values > MAX_VALUES:
            raise _BoundError(None, None, f"holds more than {MAX_VALUES:,} keys, values and list items, the most a "
                                          "scenario file may (reading more would take PyYAML many seconds)",
                              event.start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self._measure[id(node)] = self._size_and_height(node)
        return node

    def _alias(self, node: yaml.Node, event: yaml.AliasEvent) -> yaml.Node:
        """The node an alias names, counting the values it repeats; refused inside the value it names."""
        if id(node) not in self._measure:  # still being composed: the data would contain itself
            raise _BoundError(None, None, f"the alias *{shorten(event.anchor)} is used inside the value it names, "
                                          "which would make it endless", event.start_mark)
        size, height = self._measure[id(node)]
        self._aliased += size
        if self._aliased > MAX_ALIAS_VALUES:
            raise _BoundError(None, None, f"aliases (*name) repeat more than {MAX_ALIAS_VALUES:,} values in all, "
                                          "the most a scenario file may; write the values out or use fewer "
                                          "aliases", event.start_mark)
        if self._depth + height > MAX_DEPTH:
            raise _BoundError(None, None, f"the alias *{shorten(event.anchor)} makes the data nested more than "
                                          f"{MAX_DEPTH} levels deep, the most a scenario file may be",
                              event.start_mark)
        return node

    def _size_and_height(self, node: yaml.Node) -> tuple[int, int]:
        """Values and levels of ``node`` with aliases expanded, from its children's (already measured)."""
        if isinstance(node, yaml.ScalarNode):
            return 1, 1
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        measures = [self._measure[id(child)] for child in children]
        return 1 + sum(size for size, _ in measures), 1 + max((height for _, height in measures), default=0)

    def construct_object(self, node, deep=False):
        """Construct a value; one Python cannot hold (an impossible date, a 5,000-digit number) is an error at
        its line."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shorten(repr(node.value))}: {shorten(str(exc).split(';')[0])}",
                node.start_mark) from None
