"""Tests of tools/check_shape.py (issue 12, item 8), run with:

    python3 -m unittest discover -s tools/tests -v

Each test writes a small tree of Swift files and an allow-list in a temporary folder and runs
the check on it as tools/test.sh does: as a separate process, reading its output and status.
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(os.path.dirname(HERE), "check_shape.py")


def function(name, body_lines, indent="    "):
    """A Swift function of exactly 2 + body_lines lines."""
    body = "".join(f"{indent}    let v{i} = {i}\n" for i in range(body_lines))
    return f"{indent}func {name}() {{\n{body}{indent}}}\n"


class CheckShapeTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.root = self.folder.name
        os.makedirs(os.path.join(self.root, "tools"))
        self.allow = os.path.join(self.root, "tools", "shape-allow.txt")

    def tearDown(self):
        self.folder.cleanup()

    def write(self, path, text):
        full = os.path.join(self.root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def run_check(self, *paths, allow=""):
        with open(self.allow, "w", encoding="utf-8") as handle:
            handle.write(allow)
        done = subprocess.run(
            [sys.executable, CHECKER, "--root", self.root, *paths], capture_output=True, text=True
        )
        return done.returncode, done.stdout.splitlines()

    def test_a_tree_within_its_limits_passes(self):
        path = self.write("Sources/A.swift", "struct A {\n" + function("f", 68) + "}\n")
        status, faults = self.run_check(path)
        self.assertEqual((status, faults), (0, []))

    def test_a_line_of_121_characters_is_a_fault_and_120_is_not(self):
        path = self.write("Sources/A.swift", "let a = 1 //" + "x" * 108 + "\nlet b = 1 //" + "x" * 109 + "\n")
        status, faults = self.run_check(path)
        self.assertEqual(status, 1)
        self.assertEqual(faults, ["Sources/A.swift:2: the line has 121 characters (at most 120)"])

    def test_columns_are_characters_not_bytes(self):
        # 120 Persian letters are 240 bytes of UTF-8 and fit; the 121st does not.
        path = self.write("Sources/A.swift", "//" + "ب" * 118 + "\n//" + "ب" * 119 + "\n")
        status, faults = self.run_check(path)
        self.assertEqual(faults, ["Sources/A.swift:2: the line has 121 characters (at most 120)"])

    def test_a_line_whose_only_excess_is_one_literal_is_exempt(self):
        literal = '"' + "m" * 150 + '"'
        kept_whole = f'throw Failure({literal})\n'
        path = self.write("Sources/A.swift", kept_whole)
        self.assertEqual(self.run_check(path), (0, []))

    def test_a_literal_does_not_exempt_the_code_beside_it_when_the_rest_is_too_long(self):
        literal = '"' + "m" * 20 + '"'
        line = "let x = f(" + "a, " * 40 + literal + ")\n"
        path = self.write("Sources/A.swift", line)
        status, faults = self.run_check(path)
        self.assertEqual(status, 1)
        self.assertEqual(len(faults), 1)

    def test_two_literals_on_a_line_are_not_one(self):
        half = '"' + "m" * 108 + '"'
        path = self.write("Sources/A.swift", f"let x = [{half}, {half}]\n")
        status, faults = self.run_check(path)
        self.assertEqual(faults, [f"Sources/A.swift:1: the line has {len(half) * 2 + 12} characters (at most 120)"])

    def test_a_long_line_inside_a_multiline_literal_is_not_exempt(self):
        path = self.write("Sources/A.swift", 'let help = """\n' + "w" * 130 + '\n"""\n')
        status, faults = self.run_check(path)
        self.assertEqual(faults, ["Sources/A.swift:2: the line has 130 characters (at most 120)"])

    def test_a_function_of_71_lines_is_a_fault_and_70_is_not(self):
        path = self.write("Sources/A.swift", "struct A {\n" + function("fits", 68) + function("long", 69) + "}\n")
        status, faults = self.run_check(path)
        self.assertEqual(status, 1)
        self.assertEqual(faults, ["Sources/A.swift:72: A.long has 71 lines (at most 70)"])

    def test_inits_subscripts_and_computed_properties_are_functions(self):
        body = "".join(f"        _ = {i}\n" for i in range(70))
        text = (
            "extension A {\n"
            f"    init(x: Int) {{\n{body}    }}\n"
            f"    subscript(i: Int) -> Int {{\n{body}        return i\n    }}\n"
            f"    var total: Int {{\n{body}        return 0\n    }}\n"
            f"    static let table: [Int] = {{\n{body}        return []\n    }}()\n"
            "}\n"
        )
        status, faults = self.run_check(self.write("Sources/A.swift", text))
        names = [fault.split(": ")[1].split(" has ")[0] for fault in faults]
        self.assertEqual(names, ["A.init", "A.subscript", "A.total", "A.table"])

    def test_a_brace_inside_a_string_or_a_comment_is_not_counted(self):
        # Were the braces in the literals and comments counted, `f` would close early (or never)
        # and `g`, 71 lines long, would not be found where it is.
        tricky = (
            '        let open = "{ { {"\n'
            '        let raw = #"}"# + """\n        }}}\n        """\n'
            '        let nested = "\\("}" + "{")"\n'
            "        // } a comment with a brace\n"
            "        /* { /* nested } */ { */\n"
        )
        text = "struct A {\n    func f() {\n" + tricky + "    }\n" + function("g", 69) + "}\n"
        status, faults = self.run_check(self.write("Sources/A.swift", text))
        self.assertEqual(faults, ["Sources/A.swift:11: A.g has 71 lines (at most 70)"])

    def test_a_protocol_requirement_without_a_body_is_not_a_function(self):
        text = "protocol P {\n    func f()\n    func g() -> Int\n}\n" + "struct S {\n" + function("h", 69) + "}\n"
        status, faults = self.run_check(self.write("Sources/A.swift", text))
        self.assertEqual(faults, ["Sources/A.swift:6: S.h has 71 lines (at most 70)"])

    def test_a_file_of_401_lines_is_a_fault_and_400_is_not(self):
        fits = self.write("Sources/Fits.swift", "let x = 1\n" * 400)
        long = self.write("Sources/Long.swift", "let x = 1\n" * 401)
        status, faults = self.run_check(fits, long)
        self.assertEqual(faults, ["Sources/Long.swift:401: the file has 401 lines (at most 400)"])

    def test_allow_listed_file_and_function_pass(self):
        long_file = self.write("Sources/Long.swift", "let x = 1\n" * 401)
        long_function = self.write("Sources/Switch.swift", "enum E {\n" + function("decode", 80) + "}\n")
        allow = (
            "# comments and blank lines are ignored\n\n"
            "Sources/Long.swift -- a table of the directive, one row a line\n"
            "Sources/Switch.swift:E.decode -- one exhaustive switch over every event type\n"
        )
        self.assertEqual(self.run_check(long_file, long_function, allow=allow), (0, []))

    def test_an_entry_without_a_reason_is_a_fault(self):
        path = self.write("Sources/Long.swift", "let x = 1\n" * 401)
        status, faults = self.run_check(path, allow="Sources/Long.swift\n")
        self.assertEqual(status, 1)
        self.assertIn("tools/shape-allow.txt:1: an entry is `path[:function] -- reason`", faults[0])

    def test_a_stale_entry_is_reported(self):
        path = self.write("Sources/Short.swift", "enum E {\n" + function("decode", 10) + "}\n")
        allow = "Sources/Short.swift:decode -- was long once\nSources/Short.swift -- was long once\n"
        allow += "Sources/Gone.swift -- deleted since\n"
        status, faults = self.run_check(path, allow=allow)
        self.assertEqual(status, 1)
        self.assertEqual(
            faults,
            [
                "tools/shape-allow.txt:1: stale entry, Sources/Short.swift:decode is within its limit or gone",
                "tools/shape-allow.txt:2: stale entry, Sources/Short.swift is within its limit or gone",
                "tools/shape-allow.txt:3: stale entry, Sources/Gone.swift does not exist",
            ],
        )

    def test_only_tracked_swift_files_under_the_three_roots_are_checked(self):
        long = "let x = 1\n" * 401
        for path in ("Sources/Long.swift", "Docs/Long.swift", "Sources/.build/Long.swift", "Sources/Long.txt"):
            self.write(path, long)
        subprocess.run(["git", "init", "-q", self.root], check=True)
        subprocess.run(["git", "-C", self.root, "add", "-f", "."], check=True)
        self.write("Tests/Untracked.swift", long)
        status, faults = self.run_check()
        self.assertEqual(faults, ["Sources/Long.swift:401: the file has 401 lines (at most 400)"])


if __name__ == "__main__":
    unittest.main()
