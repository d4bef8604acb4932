"""docs/service.md shows tools/service/client.py exactly (issue 14 item 7), and the client is short."""
import pathlib
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]


class ServiceDocsTests(unittest.TestCase):
    def test_the_page_shows_the_client_as_it_is(self):
        page = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
        client = (ROOT / "tools" / "service" / "client.py").read_text(encoding="utf-8")
        self.assertIn("```python\n" + client + "```\n", page)

    def test_the_client_uses_only_the_standard_library_in_about_twenty_lines(self):
        client = (ROOT / "tools" / "service" / "client.py").read_text(encoding="utf-8")
        code = [line for line in client.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        self.assertLessEqual(len(code), 24, "\n".join(code))
        imports = [line for line in code if line.startswith("import") or line.startswith("from")]
        self.assertEqual(imports, ["import hashlib, json, sys, urllib.request"])


if __name__ == "__main__":
    unittest.main()
