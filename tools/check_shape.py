#!/usr/bin/env python3
"""The house's shape, enforced (issue 12, item 8): run by tools/test.sh before the Swift tests.

    python3 tools/check_shape.py            # every git-tracked .swift file under Sources/, Tests/, tools/
    python3 tools/check_shape.py FILE...    # only these (paths relative to the repository)

Each fault is printed as `path:line: what` and the exit status is 1 if there is any.

The limits (TigerBeetle's, see STYLE.md):
- a file holds at most 400 lines;
- a function holds at most 70 lines, from the line of its keyword to its closing brace. A
  "function" is a `func`, an `init`, a `deinit`, a `subscript`, and a property of a type (or of
  the file) whose body opens on its declaration's line: a computed property, a property with
  observers, or a stored property initialised by a closure (`let table: [T] = { ... }()`).
  Closures inside a function are part of that function and are not counted on their own;
- a line holds at most 120 characters (characters, not bytes: the sources hold Persian).

The exemptions, and there are only these two:
(a) a line whose only excess is one string literal kept whole on it (a message or a JSON
    fixture line, kept whole so that grep finds it): the line less that literal fits in 120
    characters. Lines inside a multi-line literal are not exempt: such a literal can be wrapped
    with a `\\` at the end of a line, which leaves its value unchanged;
(b) an entry of tools/shape-allow.txt, one a line: `path -- reason` lets that file exceed 400
    lines, `path:function -- reason` lets that function (its name, or `Type.name`) exceed 70.
    An entry that no longer matches anything over its limit is a fault: the list stays short.
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from swift_source import lex  # noqa: E402

FILE_LINES_MAX = 400
FUNCTION_LINES_MAX = 70
LINE_COLUMNS_MAX = 120
ROOTS = ("Sources/", "Tests/", "tools/")
ALLOW_LIST = os.path.join("tools", "shape-allow.txt")

_FUNCTION_KEYWORDS = {"func", "init", "deinit", "subscript"}
_TYPE_KEYWORDS = {"struct", "class", "enum", "extension", "protocol", "actor"}
_PROPERTY_KEYWORDS = {"var", "let"}


class Function:
    def __init__(self, name, line, end):
        self.name = name  # qualified by its enclosing types: `Type.name`
        self.line = line
        self.end = end

    @property
    def length(self):
        return self.end - self.line + 1


def _type_name(tokens, index):
    """The name after a type keyword: `Foo`, or `Foo.Bar` for an extension."""
    parts = []
    j = index + 1
    while j < len(tokens) and tokens[j].text not in ("{", ":", "<", "where"):
        if tokens[j].text != ".":
            parts.append(tokens[j].text)
        if j + 1 < len(tokens) and tokens[j + 1].text == "." and tokens[j + 1].line == tokens[j].line:
            j += 2
            continue
        break
    return ".".join(parts) or "?"


def functions(source):
    """Every function of one lexed file with its first and last line."""
    tokens = source.tokens
    found = []
    scopes = []  # (kind, name, line) with kind in "type", "function", "other"
    pending = None  # (kind, name, line, paren depth) of a declaration whose body has not opened
    parens = 0
    for index, token in enumerate(tokens):
        text = token.text
        previous = tokens[index - 1].text if index else ""
        inside_function = any(kind == "function" for kind, _, _ in scopes)
        if text in ("(", "["):
            parens += 1
        elif text in (")", "]"):
            parens -= 1
        elif text in _FUNCTION_KEYWORDS and previous != ".":
            following = tokens[index + 1].text if index + 1 < len(tokens) else ""
            if text == "func" or following in ("(", "?", "!", "<", "{"):
                name = text if text != "func" else following
                pending = ("function", name, token.line, parens)
        elif text in _TYPE_KEYWORDS and previous != "." and not inside_function:
            following = tokens[index + 1].text if index + 1 < len(tokens) else ""
            if following not in _FUNCTION_KEYWORDS | _PROPERTY_KEYWORDS:
                pending = ("type", _type_name(tokens, index), token.line, parens)
        elif text in _PROPERTY_KEYWORDS and not inside_function and parens == 0:
            following = tokens[index + 1].text if index + 1 < len(tokens) else ""
            pending = ("property", following, token.line, parens)
        elif text == "{":
            kind, name, line = "other", "", token.line
            if pending and pending[3] == parens:
                if pending[0] == "property" and pending[2] != token.line:
                    pending = None
                else:
                    kind = "type" if pending[0] == "type" else "function"
                    name, line = pending[1], pending[2]
                    pending = None
            scopes.append((kind, name, line))
        elif text == "}":
            pending = None
            if scopes:
                kind, name, line = scopes.pop()
                if kind == "function":
                    types = [n for k, n, _ in scopes if k == "type"]
                    found.append(Function(".".join(types + [name]), line, token.line))
    return found


def long_lines(source):
    """(line, columns) of each line over the limit that exemption (a) does not cover."""
    faults = []
    for number, line in enumerate(source.lines, start=1):
        columns = len(line.rstrip("\r"))
        if columns <= LINE_COLUMNS_MAX:
            continue
        spans = source.literals.get(number, [])
        if any(columns - (end - start) <= LINE_COLUMNS_MAX for start, end in spans):
            continue
        faults.append((number, columns))
    return faults


def read_allow_list(path):
    """[(line, file, function or None, reason)] of tools/shape-allow.txt; faults for malformed lines."""
    entries, faults = [], []
    if not os.path.exists(path):
        return entries, faults
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            target, separator, reason = line.partition(" -- ")
            if not separator or not reason.strip():
                faults.append(f"{ALLOW_LIST}:{number}: an entry is `path[:function] -- reason`, the reason is required")
                continue
            file, _, function = target.strip().partition(":")
            entries.append((number, file, function or None, reason.strip()))
    return entries, faults


def _matches(function, wanted):
    return function.name == wanted or function.name.endswith("." + wanted)


def check(root, paths, allow_path):
    """The faults of these files, each `path:line: what`, in the order of the files."""
    entries, faults = read_allow_list(allow_path)
    used = set()
    checked = set(paths)
    for path in paths:
        with open(os.path.join(root, path), encoding="utf-8") as handle:
            text = handle.read()
        source = lex(text)
        line_count = len(text.splitlines())
        if line_count > FILE_LINES_MAX:
            allowed = [e for e in entries if e[1] == path and e[2] is None]
            used.update(e[0] for e in allowed)
            if not allowed:
                faults.append(f"{path}:{line_count}: the file has {line_count} lines (at most {FILE_LINES_MAX})")
        for function in functions(source):
            if function.length <= FUNCTION_LINES_MAX:
                continue
            allowed = [e for e in entries if e[1] == path and e[2] and _matches(function, e[2])]
            used.update(e[0] for e in allowed)
            if not allowed:
                faults.append(
                    f"{path}:{function.line}: {function.name} has {function.length} lines (at most {FUNCTION_LINES_MAX})"
                )
        for number, columns in long_lines(source):
            faults.append(f"{path}:{number}: the line has {columns} characters (at most {LINE_COLUMNS_MAX})")
    for number, file, function, _ in entries:
        if number not in used and file in checked:
            what = f"{file}:{function}" if function else file
            faults.append(f"{ALLOW_LIST}:{number}: stale entry, {what} is within its limit or gone")
        elif number not in used and not os.path.exists(os.path.join(root, file)):
            faults.append(f"{ALLOW_LIST}:{number}: stale entry, {file} does not exist")
    return faults


def tracked_swift_files(root):
    """The git-tracked .swift files under Sources/, Tests/ and tools/, none from a .build folder."""
    output = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.swift"], cwd=root, check=True, capture_output=True
    ).stdout.decode("utf-8")
    paths = [p for p in output.split("\0") if p]
    return sorted(
        p for p in paths
        if p.startswith(ROOTS) and not any(part.startswith(".build") for part in p.split("/"))
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description="Files, functions and lines within their limits.")
    parser.add_argument("files", nargs="*", help="paths relative to the repository (default: every tracked one)")
    parser.add_argument("--root", default=os.path.dirname(HERE), help="the repository (default: this one)")
    parser.add_argument("--allow", help="the allow-list (default: tools/shape-allow.txt in the repository)")
    arguments = parser.parse_args(argv)
    paths = arguments.files or tracked_swift_files(arguments.root)
    allow = arguments.allow or os.path.join(arguments.root, ALLOW_LIST)
    faults = check(arguments.root, paths, allow)
    for fault in faults:
        print(fault)
    if faults:
        print(f"check_shape: {len(faults)} faults in {len(paths)} files", file=sys.stderr)
        return 1
    print(f"check_shape: {len(paths)} files within their limits", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
