// What a service's own tests need from subledger, in one product (issue 12 item 6):
// the ledger in memory and given/when/then on it (``LedgerScenario``), and the store's
// test helpers and storage conformance suite, re-exported from SubledgerStoreTesting.
//
// Re-exported rather than moved: SubledgerStoreTesting knows only the store (it names no
// ledger type, issue 12 item 3), so a second backend's tests (PostgreSQL, issue 15) run
// the conformance suite without the ledger, and the store's own tests keep depending on
// the store alone. A service imports `SubledgerTesting` and gets both.
@_exported public import SubledgerStoreTesting
