"""Safe YAML loading that remembers where every key and item was written.

Every YAML reader in depguard (config, manifests, descriptors) goes through here, so
they all get the same guarantees: no arbitrary tags, duplicate keys refused, alias
bombs refused before anything walks them, and `file:line` on every error.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depguard.fsutil import InputError, read_input

if TYPE_CHECKING:
    import yaml

MAX_EXPANDED_NODES = 1_000_000


class YamlError(Exception):
    """A file that cannot be read as YAML; carries the 1-based line."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


class LineDict(dict[Any, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


@functools.cache
def _loader() -> type[yaml.SafeLoader]:
    """The safe loader that records lines, built on first use: importing PyYAML takes
    10 ms, and a run that reads no YAML (a Python package with no config) needs none."""
    import yaml

    # the C parser is several times faster; the pure one is always there
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc,valid-type]
        def construct_line_map(self, node: yaml.MappingNode) -> Iterator[LineDict]:
            data = LineDict()
            data.line = node.start_mark.line + 1
            data.key_lines = {}
            yield data
            seen: dict[Any, int] = {}
            merges = False
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merges = True
                elif isinstance(key_node, yaml.ScalarNode):
                    key = self.construct_object(key_node)
                    line = key_node.start_mark.line + 1
                    if key in seen:
                        raise YamlError(
                            "", line, f"duplicate key {key!r} (first at line {seen[key]})"
                        )
                    seen[key] = line
            data.update(self.construct_mapping(node))
            if not merges:  # the keys are those just seen, each once: no second pass
                data.key_lines = seen
                return
            # `<<` put the merged pairs first (a list's earlier mappings last), and the
            # mapping keeps each key's last pair: so does its line
            constructed = self.constructed_objects
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    data.key_lines[constructed[key_node]] = key_node.start_mark.line + 1

        def construct_bounded_int(self, node: yaml.ScalarNode) -> int:
            """An integer, refused (not a crash) when it has more digits than Python converts."""
            try:
                value: int = self.construct_yaml_int(node)
            except ValueError:
                raise yaml.constructor.ConstructorError(
                    None, None, "integer too large (more than 4300 digits)", node.start_mark
                ) from None
            return value

        def construct_line_seq(self, node: yaml.SequenceNode) -> Iterator[LineList]:
            data = LineList()
            data.line = node.start_mark.line + 1
            data.item_lines = [item.start_mark.line + 1 for item in node.value]
            yield data
            data.extend(self.construct_sequence(node))

    _Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_line_map)
    _Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_line_seq)
    _Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_bounded_int)
    return _Loader


class _RecursiveAlias(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _expanded_size(root: yaml.Node) -> int:
    """Nodes the document would have with every alias expanded (memoised, iterative).

    An alias inside the node it names (`a: &a [*a]`) has no finite expansion: refused.
    """
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if children_done:
            open_nodes.discard(id(node))
            total = 1 + sum(sizes[id(c)] for c in children)
            sizes[id(node)] = total
            if total > MAX_EXPANDED_NODES:
                return total
            continue
        if id(node) in sizes:
            continue
        if not children:
            sizes[id(node)] = 1
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise _RecursiveAlias(child.start_mark.line + 1)
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def decode(data: bytes, file: str) -> str:
    """UTF-8 text (a BOM allowed); undecodable bytes name their line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlError(file, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x})") from None


# a JSON `\uD800`-`\uDFFF` escape that is not half of a pair (and not itself escaped):
# json.loads accepts it, but it is no character, and no report can be written with it
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u(?:[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|([dD][89a-fA-F][0-9a-fA-F]{2}))"
)


def lone_surrogate(json_text: str) -> tuple[int, str] | None:
    """(line, message) for the first lone surrogate escape of a JSON text, else None."""
    if "\\u" not in json_text:
        return None
    for match in _LONE_SURROGATE.finditer(json_text):
        if match.group(1):
            line = json_text.count("\n", 0, match.start()) + 1
            return (
                line,
                f"\\u{match.group(1)} is half of a UTF-16 pair (a lone surrogate): not text",
            )
    return None


def read_text(path: Path, file: str) -> str:
    return text_of(read_data(path, file), file)


def read_data(path: Path, file: str) -> bytes:
    """An input file's bytes, read as untrusted input (`fsutil.read_input`)."""
    try:
        return read_input(path, file)
    except InputError as exc:
        raise YamlError(exc.file, exc.line, exc.message) from None


def text_of(data: bytes, file: str) -> str:
    """A file's bytes as text: UTF-8 (a BOM allowed) without NUL bytes."""
    text = decode(data, file)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise YamlError(file, line, "contains a NUL byte: not a text file")
    return text


def load_all(text: str, file: str) -> list[tuple[Any, int]]:
    """Every document of a YAML stream, each with the line it starts on."""
    import yaml

    loader = _loader()(text)
    docs: list[tuple[Any, int]] = []
    # an alias needs an anchor, and an anchor an `&`: without one there is nothing to
    # expand, and counting every node of a rendered chart cost a fifth of reading it
    anchored = "&" in text
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there was one
                break
            try:
                size = _expanded_size(node) if anchored else 0
            except _RecursiveAlias as exc:
                raise YamlError(
                    file, exc.line, "an alias refers to the node that holds it (recursive alias)"
                ) from None
            if size > MAX_EXPANDED_NODES:
                raise YamlError(
                    file,
                    node.start_mark.line + 1,
                    f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (alias bomb?)",
                )
            docs.append((loader.construct_document(node), node.start_mark.line + 1))
    except YamlError as exc:
        raise YamlError(file, exc.line, exc.message) from None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        problem = getattr(exc, "problem", "") or "cannot read this YAML"
        if "for merging" in problem and exc.context_mark:  # the `<<`, not its alias' target
            line = exc.context_mark.line + 1
        if "constructor for the tag" not in problem:  # an unhashable key, a bad merge...
            raise YamlError(file, line, problem) from None
        found = problem.split("tag ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        raise YamlError(
            file, line, f"unsupported YAML tag {found}: depguard reads plain YAML only"
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlError(file, *_syntax_error(exc, text)) from None
    except yaml.YAMLError as exc:
        raise YamlError(file, 0, f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlError(file, 0, "YAML nested too deeply") from None
    finally:
        loader.dispose()
    return docs


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line and message of a syntax error; at the end of the stream, the line where
    the unfinished thing (a quoted string, a flow list) started."""
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    problem = exc.problem or exc.context or "invalid YAML"
    line = exc.problem_mark.line + 1 if exc.problem_mark else 0
    context_line = exc.context_mark.line + 1 if exc.context_mark else 0
    if exc.context and 0 < context_line <= last_line:
        problem += f" ({exc.context} started at line {context_line})"
        if line > last_line:
            line = context_line
    return max(0, min(line, last_line)), f"YAML syntax error: {problem}"


def load_one(text: str, file: str) -> Any:
    """A single-document YAML file (None when empty)."""
    docs = load_all(text, file)
    if len(docs) > 1:
        raise YamlError(file, docs[1][1], "expected one YAML document, found several")
    return docs[0][0] if docs else None


def line_of(data: Any, path: tuple[Any, ...]) -> int:
    """The line of the deepest value along `path` that the YAML tree knows."""
    line = getattr(data, "line", 0)
    node = data
    for part in path:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def load_json(text: str, file: str) -> Any:
    """A JSON document whose mappings and lists know their lines, as YAML's do.

    `json.loads` checks the text first (its messages and lines are the errors);
    the valid text is then read once more by the pure-Python scanner with hooks that
    note where each object, key and item starts.
    """
    import json

    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise YamlError(file, exc.lineno, f"not valid JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        raise YamlError(file, 1, f"not valid JSON: {exc}") from None
    try:
        return _LocatedJson(text).decode(text)
    except RecursionError:
        raise YamlError(file, 1, "not valid JSON: nested too deeply") from None


class _LocatedJson:
    """The scanner of `json` with object and array parsers that record lines."""

    def __init__(self, text: str) -> None:
        import json
        import json.decoder
        import json.scanner

        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self._string: Any = getattr(json.decoder, "scanstring")  # noqa: B009 - not in the stubs
        decoder: Any = json.JSONDecoder()  # its hooks are not in the type stubs
        decoder.parse_object = self._object
        decoder.parse_array = self._array
        scanner: Any = json.scanner
        decoder.scan_once = scanner.py_make_scanner(decoder)
        self.decoder = decoder

    def decode(self, text: str) -> Any:
        return self.decoder.decode(text)

    def _line(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def _object(
        self, s_and_end: tuple[str, int], strict: bool, scan_once: Any, *_: Any
    ) -> tuple[LineDict, int]:
        text, end = s_and_end
        data = LineDict()
        data.line = self._line(end - 1)
        data.key_lines = {}
        end = _skip_json_space(text, end)
        while text[end] != "}":
            key_line = self._line(end)
            key, end = self._string(text, end + 1, strict)
            value, end = scan_once(text, _skip_json_space(text, _skip_json_space(text, end) + 1))
            data[key] = value
            data.key_lines[key] = key_line  # a repeated key: the last wins, as in json
            end = _skip_json_space(text, end)
            if text[end] == ",":
                end = _skip_json_space(text, end + 1)
        return data, end + 1

    def _array(self, s_and_end: tuple[str, int], scan_once: Any) -> tuple[LineList, int]:
        text, end = s_and_end
        data = LineList()
        data.line = self._line(end - 1)
        data.item_lines = []
        end = _skip_json_space(text, end)
        while text[end] != "]":
            data.item_lines.append(self._line(end))
            value, end = scan_once(text, end)
            data.append(value)
            end = _skip_json_space(text, end)
            if text[end] == ",":
                end = _skip_json_space(text, end + 1)
        return data, end + 1


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_json_space(text: str, position: int) -> int:
    return _JSON_SPACE.match(text, position).end()  # type: ignore[union-attr] # `*` always matches
