"""A small lexer of Swift sources for the shape and doc checks (issue 12, item 8).

Python standard library only. It knows what a brace count must know and no more: where
comments and string literals begin and end (line and block comments, nested block
comments, single-line and multi-line strings, raw strings with any number of `#`, and
interpolations `\\(...)` that hold code and strings of their own), so that a brace or a
keyword inside a string or a comment is never taken for code.

`lex(text)` returns a `Source`: the file's lines, the code tokens (identifiers, braces,
parentheses and the other punctuation that matters) with their line numbers, the doc
comments (`///` lines and `/** */` blocks) by the line they end on, and for every line
the column spans of the string literals that begin and end on it.
"""

import re
from dataclasses import dataclass, field


@dataclass
class Token:
    text: str
    line: int  # 1-based
    column: int  # 0-based, in characters


@dataclass
class Source:
    lines: list
    tokens: list = field(default_factory=list)
    # line (1-based) -> list of (start, end) character columns of whole string literals on it
    literals: dict = field(default_factory=dict)
    # line (1-based) of the last line of each doc comment -> the comment's text
    doc_comments: dict = field(default_factory=dict)


_IDENT = re.compile(r"[A-Za-z_\u00c0-\uffff][A-Za-z0-9_\u00c0-\uffff]*")
_PUNCT = set("{}()[]<>:=,.;@?!-")


class _Lexer:
    def __init__(self, text):
        self.text = text
        self.i = 0
        self.line = 1
        self.line_start = 0
        self.source = Source(lines=text.split("\n"))
        self.doc_lines = []  # pending /// lines: (line, text)

    def column(self, index):
        return index - self.line_start

    def advance(self):
        if self.text[self.i] == "\n":
            self.line += 1
            self.line_start = self.i + 1
        self.i += 1

    def run(self):
        self.code(terminator=None)
        return self.source

    # Code, up to the terminator: None (end of file) or ")" closing an interpolation.
    def code(self, terminator):
        depth = 0
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c == "\n":
                self.advance()
                continue
            if c.isspace():
                self.i += 1
                continue
            if text.startswith("//", self.i):
                self.line_comment()
                continue
            if text.startswith("/*", self.i):
                self.block_comment()
                continue
            if c == "#" or c == '"':
                hashes = 0
                j = self.i
                while j < len(text) and text[j] == "#":
                    hashes += 1
                    j += 1
                if j < len(text) and text[j] == '"':
                    self.string(hashes)
                    continue
            if terminator == ")" and c == ")" and depth == 0:
                self.i += 1
                return
            match = _IDENT.match(text, self.i)
            if match:
                self.token(match.group(0))
                self.i = match.end()
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            if c in _PUNCT:
                if c == "-" and text.startswith("->", self.i):
                    self.token("->")
                    self.i += 2
                    continue
                self.token(c)
            self.i += 1

    def token(self, value):
        self.source.tokens.append(Token(value, self.line, self.column(self.i)))
        if self.doc_lines:
            self.flush_doc()

    def flush_doc(self):
        last = self.doc_lines[-1][0]
        self.source.doc_comments[last] = "\n".join(text for _, text in self.doc_lines)
        self.doc_lines = []

    def line_comment(self):
        end = self.text.find("\n", self.i)
        if end < 0:
            end = len(self.text)
        body = self.text[self.i:end]
        if body.startswith("///"):
            if self.doc_lines and self.doc_lines[-1][0] != self.line - 1:
                self.doc_lines = []
            self.doc_lines.append((self.line, body[3:]))
        else:
            self.doc_lines = []
        self.i = end

    def block_comment(self):
        doc = self.text.startswith("/**", self.i) and not self.text.startswith("/**/", self.i)
        start = self.i
        nesting = 0
        while self.i < len(self.text):
            if self.text.startswith("/*", self.i):
                nesting += 1
                self.i += 2
            elif self.text.startswith("*/", self.i):
                nesting -= 1
                self.i += 2
                if nesting == 0:
                    break
            else:
                self.advance()
        self.doc_lines = [(self.line, self.text[start + 3:self.i - 2])] if doc else []

    def string(self, hashes):
        start_line, start_index = self.line, self.i
        self.i += hashes
        multiline = self.text.startswith('"""', self.i)
        quote = '"""' if multiline else '"'
        self.i += len(quote)
        closing = quote + "#" * hashes
        escape = "\\" + "#" * hashes
        text = self.text
        while self.i < len(text):
            if text.startswith(escape, self.i):
                self.i += len(escape)
                if self.i < len(text) and text[self.i] == "(":
                    self.i += 1
                    self.code(terminator=")")
                elif self.i < len(text):
                    self.advance()
                continue
            if text.startswith(closing, self.i):
                self.i += len(closing)
                break
            if text[self.i] == "\n" and not multiline:
                break  # an unterminated literal: the compiler says so, we stop at the line's end
            self.advance()
        if self.line == start_line:
            span = (self.column(start_index), self.column(self.i))
            self.source.literals.setdefault(start_line, []).append(span)
        self.doc_lines = []


def lex(text):
    """The tokens, literals and doc comments of one Swift file's text."""
    return _Lexer(text).run()
