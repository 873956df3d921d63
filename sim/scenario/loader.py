"""Read scenario files: YAML, ``extends:``, ``variants:`` and ``--set`` overrides.

This is the model's only input. Files are parsed safely, merged (a child file
and a variant state only what they change), validated once against
``schema.Scenario``, and every problem is reported as a ``ScenarioError``
naming the file, the line and the field path.
"""

from __future__ import annotations

import copy
import json
import re
import typing
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml
from pydantic import BaseModel, ValidationError

from .distributions import DIST_NAMES
from . import yamlsafe
from .errors import ECHO_LIMIT, ScenarioError, shorten
from .schema import Scenario

Path_ = tuple  # a field path: keys and list indices
Origin = tuple[str, Optional[int]]  # (file or "--set ...", line)
BASE = "base"
DEFAULTS = Scenario().model_dump(mode="json", exclude={"variants"})


def load_scenario(path: str | Path, sets: Iterable[str] = (), variant: Optional[str] = None) -> Scenario:
    """Load one scenario (the base, or one named variant) with ``--set`` overrides applied; the file's other
    variants are not validated, so an override that only they cannot take does not stop it."""
    return choose(load_variants(path, sets, only=variant or BASE), variant or BASE, path)


def choose(scenarios: dict[str, Scenario], name: str, path: str | Path) -> Scenario:
    """The scenario called ``name`` among a file's base and variants, or an error listing the variants."""
    if name not in scenarios:
        raise ScenarioError(f"no variant named '{name}'; the file defines: "
                            f"{', '.join(n for n in scenarios if n != BASE) or 'no variants'}", path)
    return scenarios[name]


def load_variants(path: str | Path, sets: Iterable[str] = (), only: Optional[str] = None) -> dict[str, Scenario]:
    """Load the base scenario and each of its variants, all validated, base first (with ``only``, the base and
    that variant alone)."""
    raw, origins = _read_with_extends(Path(path), ())
    raw, origins = apply_sets(merge(DEFAULTS, raw), origins, sets)
    variants = raw.get("variants") or {}
    if not isinstance(variants, dict):
        raise _error_at(("variants",), origins, "must be a mapping of variant names to overrides")
    base = _validate(raw, origins, ())
    scenarios = {BASE: base}
    base_resolved = base.model_dump(mode="json", exclude={"variants"})
    if only not in (None, BASE) and only not in variants:
        choose({BASE: base, **{str(name): base for name in variants}}, only, path)  # says which there are
    for name, override in variants.items():
        if str(name) == BASE:
            raise _error_at(("variants", name), origins,
                            "'base' names the scenario itself; give the variant another name")
        if not isinstance(override, dict):
            raise _error_at(("variants", name), origins, "a variant must be a mapping of the keys it changes")
        if only is not None and str(name) != only:
            continue
        merged = merge(base_resolved, override)
        merged, _ = apply_sets(merged, {}, sets)
        scenarios[str(name)] = _validate(merged, origins, ("variants", name), set_variant=str(name))
    return scenarios


def with_sets(scenario: Scenario, sets: Iterable[str], name: str) -> Scenario:
    """``scenario`` with ``KEY=VALUE`` overrides applied, validated and renamed (a point of a sweep)."""
    raw, origins = apply_sets(scenario.model_dump(mode="json", exclude={"variants"}), {}, sets)
    raw["name"] = name
    return _validate(raw, origins, ())


def merge(base: dict, override: dict, model: Any = None) -> dict:
    """A copy of ``base`` with ``override`` laid over it, section by section.

    Sections of the schema (``hotline``, ``levels.A``...) merge key by key, so
    an override states only what changes; distributions, free mappings
    (``demand.channels``, ``time_limits``) and lists are replaced whole, since
    their keys belong together. Named variants merge by name.
    """
    model = Scenario if model is None else model
    merged = copy.deepcopy(base)
    for key, value in override.items():
        field = model.model_fields.get(key)
        section = field.annotation if field is not None and _is_model(field.annotation) else None
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            if key == "variants" and model is Scenario:
                merged[key] = {**merged[key], **copy.deepcopy(value)}
                continue
            if section is not None:
                merged[key] = merge(merged[key], value, section)
                continue
        merged[key] = copy.deepcopy(value)
    return merged


def apply_sets(raw: dict, origins: dict, sets: Iterable[str]) -> tuple[dict, dict]:
    """Apply ``key.path=value`` overrides; values are read as YAML (``3``, ``2h``, ``[1, 2]``)."""
    raw, origins = copy.deepcopy(raw), dict(origins)
    for item in sets:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(f"'{shorten(item)}' is not KEY=VALUE (for example grid.households=300)", "--set")
        source = f"--set {shorten(item)}"
        value = _set_value(text, source)
        path = tuple(int(p) if p.isdigit() else p for p in key.strip().split("."))
        if len(path) > yamlsafe.MAX_DEPTH:
            raise ScenarioError(f"the key has {len(path)} parts; a scenario is at most {yamlsafe.MAX_DEPTH} "
                                "levels deep", source)
        _set_path(raw, path, value, shorten(item))
        for below in [k for k in origins if len(k) > len(path) and k[:len(path)] == path]:
            del origins[below]   # the file's keys under the path are gone: an error there is the override's
        for end in range(1, len(path)):  # sections that only the override created
            origins.setdefault(path[:end], (source, None))
        origins[path] = (source, None)
    return raw, origins


def _set_value(text: str, source: str) -> Any:
    """An override's value read as YAML within the same bounds as a file; text YAML cannot read is kept as text
    for the schema to judge, while a value beyond the bounds (too deep, too many aliases) is refused."""
    try:
        return yamlsafe.parse(text, source)
    except yamlsafe.BoundsExceeded:
        raise
    except ScenarioError:
        return text


def _set_path(raw: dict, path: Path_, value: Any, item: str) -> None:
    node: Any = raw
    for depth, part in enumerate(path[:-1]):
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict):
            node = node.setdefault(part, {})
        else:
            where = ".".join(map(str, path[: depth + 1]))
            raise ScenarioError(f"cannot set '{item}': '{where}' is not a mapping or has no such item", "--set")
    last = path[-1]
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise ScenarioError(f"cannot set '{item}': its parent is not a mapping", "--set")


# --- reading files ---------------------------------------------------------------------------

def _read_with_extends(path: Path, chain: tuple[Path, ...]) -> tuple[dict, dict]:
    """The data of ``path`` laid over the files it ``extends``, and the origin of each field.

    ``extends`` is resolved from the real file, after following symbolic links
    (as os.path.realpath does), so a linked scenario finds its parent as the
    file it points to does; a path through no link is kept as the user gave
    it, for the messages. Every file of the chain is read with the same bounds.
    """
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p.name) for p in (*chain, resolved))
        raise ScenarioError(f"'extends' makes a cycle: {cycle}", chain[-1], "extends")
    raw, lines = _read_yaml(path)
    origins: dict[Path_, Origin] = {key: (str(path), line) for key, line in lines.items()}
    parent = raw.pop("extends", None)
    if parent is None:
        return raw, origins
    line = lines.get(("extends",))
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError("must be the path of another scenario file", path, "extends", line)
    parent_path = (resolved.parent if path.is_symlink() else path.parent) / parent  # the OS follows linked folders
    try:
        parent_resolved, found = parent_path.resolve(), parent_path.exists()
    except OSError as exc:  # a name too long for the file system, say
        raise ScenarioError(f"'{shorten(parent)}' cannot be a file's path ({exc.strerror})",
                            path, "extends", line) from None
    if parent_resolved in (*chain, resolved):
        cycle = " -> ".join(p.name for p in (*chain, resolved, parent_resolved))
        raise ScenarioError(f"'extends' makes a cycle: {cycle}", path, "extends", line)
    if not found:
        raise ScenarioError(f"the file '{shorten(parent)}' it names does not exist (looked for "
                            f"{shorten(str(parent_path), 3 * ECHO_LIMIT)})", path, "extends", line)
    try:
        parent_raw, parent_origins = _read_with_extends(parent_path, (*chain, resolved))
    except ScenarioError as exc:
        if exc.file != parent_path:  # an error further up the chain already says where it was reached from
            raise
        raise ScenarioError(f"{exc.message} (the file named by field 'extends' of {path}, line {line})",
                            exc.file, exc.field, exc.line) from None
    return merge(parent_raw, raw), {**parent_origins, **origins}


def _read_yaml(path: Path) -> tuple[dict, dict[Path_, int]]:
    """A scenario file's mapping and the line of each field, read within ``yamlsafe``'s bounds."""
    lines: dict[Path_, int] = {}
    data = yamlsafe.parse(yamlsafe.read_text(path), path, lambda node: _index_lines(node, (), lines, path))
    if not isinstance(data, dict):
        raise ScenarioError("a scenario file must be a YAML mapping of keys to values (name:, horizon:, ...)", path)
    return data, lines


def _index_lines(node: yaml.Node, path: Path_, lines: dict, file: Path) -> None:
    """Record the line of every key and list item below ``node``; refuse keys that are not names, or twice.

    Bounded by the loader: at most ``yamlsafe.MAX_DEPTH`` levels, and the
    values aliases repeat at most ``yamlsafe.MAX_ALIAS_VALUES``.
    """
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key_node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"):
                raise ScenarioError(f"key '{shorten(str(key))}' is read as a {key_node.tag.rsplit(':', 1)[-1]}, "
                                    "not a name; keys are names such as horizon or hotline (quote it if you must)",
                                    file, ".".join(map(str, (*path, key))), key_node.start_mark.line + 1)
            if key in seen:
                raise ScenarioError(f"key '{shorten(key)}' appears twice in the same mapping", file,
                                    ".".join(map(str, (*path, key))), key_node.start_mark.line + 1)
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*path, key), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _index_lines(item, (*path, index), lines, file)


# --- validation and messages ---------------------------------------------------------------

def _validate(raw: dict, origins: dict, prefix: Path_, set_variant: Optional[str] = None) -> Scenario:
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise _describe(exc, raw, origins, prefix) from None
    if set_variant is not None:
        scenario = scenario.model_copy(update={"variants": {}, "name": f"{scenario.name}:{set_variant}"})
    return scenario


def _describe(exc: ValidationError, raw: dict, origins: dict, prefix: Path_) -> ScenarioError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    path = _data_path(first["loc"], raw)
    for other in errors[1:]:  # of a union's alternatives (one number, or a list), the one that went deepest
        other_path = _data_path(other["loc"], raw)
        if other_path[:len(path)] == path and len(other_path) > len(path):
            first, path = other, other_path
    text = re.sub(r"^(Value error|Assertion failed), ", "", first["msg"])
    named = re.match(r"^([A-Za-z_]\w*(?:\.\w+)*): (.*)$", text, re.S)
    if first["type"] == "value_error" and named:  # a validator naming a field below the one it checks
        path = (*path, *(int(p) if p.isdigit() else p for p in named.group(1).split(".")))
        message = named.group(2)
    else:
        message = _message(first, path)
    message = _trim_echoes(message, first.get("input"))
    if len(errors) > 1:
        message += f" ({len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} after this one)"
    in_variant = bool(prefix) and _origin(origins, (*prefix, *path), exact=True) is not None
    full = (*prefix, *path) if in_variant else path
    if in_variant and first["type"] == "extra_forbidden":
        message = f"variant '{prefix[-1]}' overrides a key that does not exist: {message}"
    elif prefix:
        message = f"in variant '{prefix[-1]}': {message}"
    file, line = _origin(origins, full) or (None, None)
    return ScenarioError(message, file, ".".join(map(str, full)) or None, line)


def _trim_echoes(message: str, value: Any) -> str:
    """``message`` with every long string of ``value`` that it repeats shortened: the schema's own messages
    quote what they refuse ("'3 fortnights' is not a duration"), which may be a megabyte long."""
    for text in sorted(_long_strings(value), key=len, reverse=True):
        message = message.replace(repr(text), shorten(repr(text))).replace(text, shorten(text))
    return message


def _long_strings(value: Any) -> set[str]:
    """The strings in ``value`` (keys too) longer than a message may repeat; bounded, as the loader bounds
    the data's size and depth."""
    if isinstance(value, str):
        return {value} if len(value) > ECHO_LIMIT else set()
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return set().union(*(_long_strings(k) | _long_strings(v) for k, v in items))


def _data_path(loc: tuple, raw: Any) -> Path_:
    """The error location as the user wrote it: pydantic's union tags and validator names dropped."""
    path, node = [], raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and (part in DIST_NAMES or "[" in part or part.startswith("function")
                                        or "-" in part or not isinstance(node, dict)):
            continue  # a union branch or validator name, not a key the user wrote
        else:
            path.append(part)
            node = None
    return tuple(path)


def _origin(origins: dict, path: Path_, exact: bool = False) -> Optional[Origin]:
    for end in range(len(path), 0, -1):
        if path[:end] in origins:
            return origins[path[:end]]
        if exact:
            return None
    return None


def _message(error: dict, path: Path_) -> str:
    kind, got = error["type"], error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        nested = _nested_form(path[-1], got, allowed)
        if nested:
            return (f"unknown key '{shorten(path[-1])}': a dotted path works in --set only; in a file, "
                    f"write it nested: {nested}")
        return (f"unknown key '{shorten(str(path[-1]))}'. Allowed keys here: {', '.join(allowed)}" if allowed
                else f"unknown key '{shorten(str(path[-1]))}'")
    if kind == "model_type":  # pydantic names the section's class ("instance of GridConfig"): say what it is
        allowed = _allowed_keys(path)
        return f"must be a section of keys with their values (allowed keys: {', '.join(allowed)}), not {_echo(got)}"
    if kind == "missing":
        return "this required key is missing"
    if kind == "union_tag_invalid":
        return f"'dist' must be one of {', '.join(DIST_NAMES)} (got {_echo(error['ctx'].get('tag'))})"
    if kind == "union_tag_not_found":
        return f"a distribution needs 'dist: ...', one of {', '.join(DIST_NAMES)} (or write a plain duration)"
    text = error["msg"]
    text = re.sub(r"^(Value error|Assertion failed), ", "", text)
    text = text[0].lower() + text[1:] if text else text
    if kind not in ("value_error",) and not isinstance(got, (dict, list)):
        text += f" (got {_echo(got)})"
    return text


def _echo(value: Any) -> str:
    """A value the user wrote, as a message repeats it: at most ``errors.ECHO_LIMIT`` characters."""
    return shorten(repr(value) if isinstance(value, str) else json.dumps(value, default=str))


def _nested_form(key: Any, value: Any, allowed: list[str]) -> Optional[str]:
    """``grid: {households: 300}`` for a dotted key ``grid.households: 300`` whose first part is a key
    allowed here, or None: a dotted path is the --set way of naming a field, not a YAML key."""
    if not isinstance(key, str) or "." not in key or key.split(".", 1)[0] not in allowed:
        return None
    head, *rest = key.split(".")
    nested = _echo(value) if not isinstance(value, str) else shorten(value)
    for part in reversed(rest):
        nested = f"{{{part}: {nested}}}"
    return f"{head}: {nested}"


def _allowed_keys(path: Path_) -> list[str]:
    """The keys a scenario accepts at ``path``, for 'unknown key' messages."""
    model: Any = Scenario
    free_key = False  # the next part is a key of a free mapping (time_limits.<class>)
    for part in path:
        if free_key or isinstance(part, int):
            free_key = False
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _inner_model(field.annotation)
        free_key = typing.get_origin(field.annotation) is dict
    return list(model.model_fields) if _is_model(model) else []


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _error_at(path: Path_, origins: dict, message: str) -> ScenarioError:
    file, line = _origin(origins, path) or (None, None)
    return ScenarioError(message, file, ".".join(map(str, path)), line)
