"""Tests of tools/check_docs.py (issue 12, items 6 and 8): which declarations lack what."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from check_docs import declarations  # noqa: E402


def faults(text):
    return [fault for d in declarations("Sources/M/A.swift", text) for fault in d.faults()]


class CheckDocsTests(unittest.TestCase):
    def test_an_undocumented_public_declaration_is_named_and_an_internal_one_is_not(self):
        text = "public struct A {\n    public var x: Int\n    var y: Int\n}\n"
        self.assertEqual(
            faults(text),
            ["Sources/M/A.swift:1: struct A has no doc comment", "Sources/M/A.swift:2: var x has no doc comment"],
        )

    def test_a_doc_comment_above_the_attributes_counts(self):
        text = "/// A.\n@frozen\npublic enum A {}\n/** B. */\npackage struct B {}\n"
        self.assertEqual(faults(text), [])

    def test_a_function_lacks_the_sections_its_signature_needs(self):
        text = (
            "/// Reads.\npublic func read(_ path: String) throws(E) -> [UInt8] { [] }\n"
            "/// Resets.\npublic func reset() {}\n"
            "/// Makes.\npublic init(x: Int) {}\n"
        )
        self.assertEqual(
            faults(text),
            [
                "Sources/M/A.swift:2: func read lacks - Parameters:, - Throws:, - Returns:",
                "Sources/M/A.swift:6: init init lacks - Parameters:",
            ],
        )

    def test_a_complete_doc_comment_passes(self):
        text = (
            "/// Reads.\n/// - Parameter path: The file.\n/// - Returns: Its bytes.\n/// - Throws: `E`.\n"
            "public func read(_ path: String) throws(E) -> [UInt8] { [] }\n"
        )
        self.assertEqual(faults(text), [])

    def test_imports_extensions_and_doc_comments_in_strings_are_not_declarations(self):
        text = 'public import M\npublic extension A {}\nlet s = "/// not a doc"\n'
        self.assertEqual(faults(text), [])


if __name__ == "__main__":
    unittest.main()
