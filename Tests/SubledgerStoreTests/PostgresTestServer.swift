import Foundation

/// The PostgreSQL server the tests of ``Backend/postgres`` use (issue 15 item 6): the one whose
/// URL `SUBLEDGER_TEST_POSTGRES_URL` gives, a throwaway cluster that `tools/test.sh` starts
/// (`tools/postgres/cluster.sh`). Each store gets a schema of its own, so tests running at
/// once never see each other's events. Without the variable the tests fail, naming it: the
/// PostgreSQL tests are part of the suite, not skipped.
enum PostgresTestServer {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "SUBLEDGER_TEST_POSTGRES_URL is not set: run the suite with `bash tools/test.sh`, which starts a "
                + "throwaway PostgreSQL cluster (tools/postgres/cluster.sh), or export the URL of one"
        }
    }

    /// The server's URL, as the environment gives it.
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["SUBLEDGER_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    /// The URL of a new, empty store: the server's, with a schema named after a new UUID.
    static func newStoreURL() throws -> String {
        try storeURL(for: UUID().uuidString)
    }

    /// The URL of the store that stands for `folder` (a test that names its stores by folder):
    /// a schema named after the folder's last component, lowercase, other characters `_`.
    static func storeURL(for folder: String) throws -> String {
        let name = (folder.split(separator: "/").last.map(String.init) ?? folder).lowercased()
        let schema = "t_" + String(name.map { $0.isLetter && $0.isASCII || $0.isNumber ? $0 : "_" }.suffix(60))
        return try url() + "?schema=" + schema
    }
}
