#!/usr/bin/env python3
"""Doc comments on the public API (issue 12, items 6 and 8): run by tools/test.sh.

    python3 tools/check_docs.py              # figures per module, faults of the enforced modules
    python3 tools/check_docs.py --all        # the faults of every module

For each `public` or `package` declaration under Sources/ (a type, a typealias, a function, an
initialiser, a subscript, a property; not an extension, an import or an enum case, and not a
member of a protocol, which has no modifier of its own) it asks:
- is there a doc comment (`///` lines or a `/** */` block) right above it (or above its
  attributes)?
- does a function, an initialiser or a subscript with parameters say `- Parameters:` (or
  `- Parameter name:`), one that throws `- Throws:`, one that returns a value `- Returns:`?

It prints a line per module (declarations, undocumented, lacking a section) and, for the
modules of ENFORCED, each fault as `path:line: what`; the exit status is 1 if an enforced module
has any. A module joins ENFORCED once its documentation is complete, and stays there.
"""

import argparse
import os
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from check_shape import tracked_swift_files  # noqa: E402
from swift_source import lex  # noqa: E402

# The modules whose every public declaration is documented: a regression fails the run.
ENFORCED = (
    "SubledgerDemo", "SubledgerLedger", "SubledgerPostgres", "SubledgerReports", "SubledgerServer", "SubledgerStore",
    "SubledgerStoreTesting", "SubledgerTesting", "SubledgerVerify",
)

_ACCESS = {"public", "package", "open"}
_MODIFIERS = {
    "static", "final", "class", "mutating", "nonmutating", "nonisolated", "override", "convenience",
    "required", "indirect", "lazy", "dynamic", "weak", "unowned", "consuming", "borrowing",
    "private", "fileprivate", "internal", "set", "(", ")",
}
_DECLARATIONS = {
    "struct", "enum", "class", "actor", "protocol", "typealias", "func", "init", "subscript", "var", "let",
}
_CALLABLE = {"func", "init", "subscript"}


class Declaration:
    def __init__(self, path, line, keyword, name, doc, parameters, throws, returns):
        self.path, self.line, self.keyword, self.name = path, line, keyword, name
        self.doc, self.parameters, self.throws, self.returns = doc, parameters, throws, returns

    def faults(self):
        where = f"{self.path}:{self.line}: {self.keyword} {self.name}"
        if self.doc is None:
            return [f"{where} has no doc comment"]
        lacking = []
        if self.parameters and "- Parameter" not in self.doc:
            lacking.append("- Parameters:")
        if self.throws and "- Throws:" not in self.doc:
            lacking.append("- Throws:")
        if self.returns and "- Returns:" not in self.doc:
            lacking.append("- Returns:")
        return [f"{where} lacks {', '.join(lacking)}"] if lacking else []


def _doc_above(source, line):
    """The doc comment that ends right above `line` or above the attributes over it."""
    lines = source.lines
    above = line - 1
    while above >= 1 and lines[above - 1].strip().startswith("@"):
        above -= 1
    return source.doc_comments.get(above)


def _signature(tokens, index):
    """(has parameters, throws, returns a value) of the callable whose keyword is at `index`."""
    j = index + 1
    while j < len(tokens) and tokens[j].text != "(":
        if tokens[j].text in ("{", "}"):
            return False, False, False
        j += 1
    depth, start = 0, j
    while j < len(tokens):
        if tokens[j].text == "(":
            depth += 1
        elif tokens[j].text == ")":
            depth -= 1
            if depth == 0:
                break
        j += 1
    parameters = j > start + 1
    throws = returns = False
    k = j + 1
    while k < len(tokens) and tokens[k].text not in ("{", "}", "where") and tokens[k].text not in _ACCESS:
        if tokens[k].text in ("throws", "rethrows"):
            throws = True
        if tokens[k].text == "->":
            following = tokens[k + 1].text if k + 1 < len(tokens) else ""
            returns = following not in ("Void", "Never")
        if tokens[k].text in _DECLARATIONS or tokens[k].text == "@":
            break
        k += 1
    return parameters, throws, returns


def declarations(path, text):
    """The public and package declarations of one file."""
    source = lex(text)
    tokens = source.tokens
    found = []
    for index, token in enumerate(tokens):
        if token.text not in _ACCESS:
            continue
        j = index + 1
        while j < len(tokens) and tokens[j].text in _MODIFIERS | _ACCESS:
            j += 1
        if j >= len(tokens) or tokens[j].text not in _DECLARATIONS:
            continue  # an import, an extension, or `package` as a name
        keyword = tokens[j].text
        name = tokens[j + 1].text if j + 1 < len(tokens) and keyword not in ("init", "subscript") else keyword
        parameters = throws = returns = False
        if keyword in _CALLABLE:
            parameters, throws, returns = _signature(tokens, j)
            if keyword == "init":
                returns = False
        doc = _doc_above(source, token.line)
        found.append(Declaration(path, token.line, keyword, name, doc, parameters, throws, returns))
    return found


def module_of(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "Sources" else None


def main(argv=None):
    parser = argparse.ArgumentParser(description="Doc comments on every public declaration.")
    parser.add_argument("--root", default=os.path.dirname(HERE))
    parser.add_argument("--all", action="store_true", help="print the faults of every module")
    arguments = parser.parse_args(argv)
    figures = OrderedDict()
    faults = []
    for path in tracked_swift_files(arguments.root):
        module = module_of(path)
        if module is None:
            continue
        with open(os.path.join(arguments.root, path), encoding="utf-8") as handle:
            found = declarations(path, handle.read())
        total, undocumented, lacking = figures.get(module, (0, 0, 0))
        for declaration in found:
            total += 1
            problems = declaration.faults()
            if declaration.doc is None:
                undocumented += 1
            elif problems:
                lacking += 1
            if problems and (arguments.all or module in ENFORCED):
                faults += problems
        figures[module] = (total, undocumented, lacking)
    for fault in faults:
        print(fault)
    failing = [f for f in faults if module_of(f.split(":")[0]) in ENFORCED]
    print("check_docs: module, public/package declarations, without a doc comment, lacking a section", file=sys.stderr)
    for module in sorted(figures):
        total, undocumented, lacking = figures[module]
        mark = " (enforced)" if module in ENFORCED else ""
        print(f"  {module}: {total}, {undocumented}, {lacking}{mark}", file=sys.stderr)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
