import Foundation
import Logging
import Testing
@_spi(Testing) import SubledgerStore
@testable import SubledgerPostgres
import SubledgerStoreTesting

/// Issue 15: the connection to an operator's server is encrypted, and the server's certificate
/// checked, as libpq's `sslmode` and `sslrootcert` say. `tools/test.sh` starts the test
/// cluster with TLS (`tools/postgres/cluster.sh start --tls`) and gives its CA certificate in
/// `SUBLEDGER_TEST_POSTGRES_ROOT_CERT`.
@Suite("PostgreSQL: TLS as sslmode and sslrootcert say")
struct PostgresTLSTests {
    static let server = "postgres://postgres@127.0.0.1:5432/ledger"

    /// The test cluster's CA certificate; the test fails without it.
    static func rootCertificate() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["SUBLEDGER_TEST_POSTGRES_ROOT_CERT"], !path.isEmpty else {
            throw PostgresTestServer.Missing()
        }
        return path
    }

    /// A new store's URL on the test server with `parameters` after its schema, the host
    /// replaced by `host`.
    static func storeURL(host: String = "127.0.0.1", _ parameters: String) throws -> String {
        let url = try PostgresTestServer.newStoreURL()
        return url.replacing("@127.0.0.1:", with: "@\(host):") + "&" + parameters
    }

    @Test func theModesAreLibpqsAndPreferIsTheDefault() throws {
        #expect(try PostgresStoreLocation(url: Self.server).tlsMode == .prefer)
        for mode in PostgresStoreLocation.TLSMode.allCases {
            let location = try PostgresStoreLocation(url: Self.server + "?sslmode=\(mode.rawValue)")
            #expect(location.tlsMode == mode)
            #expect(location.description.contains("sslmode") == (mode != .prefer), "\(location)")
        }
    }

    @Test func anUnknownModeOrAMissingRootCertificateIsRefusedNamingIt() {
        #expect {
            try PostgresStoreLocation(url: Self.server + "?sslmode=sometimes")
        } throws: { error in
            "\(error)".contains("its sslmode sometimes is not one of disable, prefer, require, verify-ca, verify-full")
        }
        #expect {
            try PostgresStoreLocation(url: Self.server + "?sslmode=verify-full&sslrootcert=/nonexistent/root.crt")
        } throws: { error in
            "\(error)".contains("its sslrootcert /nonexistent/root.crt is not a readable file")
        }
        #expect {
            try PostgresStoreLocation(url: Self.server + "?sslcert=client.crt")
        } throws: { error in
            "\(error)".contains("its parameter sslcert is not known (only schema, sslmode and sslrootcert are)")
        }
    }

    @Test func verifyFullWithTheClustersCAConnectsEncryptedAndRecords() throws {
        let url = try Self.storeURL(host: "localhost", "sslmode=verify-full&sslrootcert=\(try Self.rootCertificate())")
        let backend = try PostgresBackend.connect(
            try PostgresStoreLocation(url: url), readOnly: false, logger: Logger(label: "tls"))
        #expect(try backend.connectionIsEncrypted())
        let store = try EventStore.open(postgres: url)
        let result = try store.append([paymentEvent("+989121234567", amount: 5)])
        #expect(result.positions == [1])
        #expect(try store.verify().verifiedCount == 1)
    }

    @Test func theDefaultIsEncryptedWhenTheServerOffersTLSAndDisableIsNot() throws {
        let logger = Logger(label: "tls")
        let preferred = try PostgresBackend.connect(
            try PostgresStoreLocation(url: try PostgresTestServer.newStoreURL()), readOnly: false, logger: logger)
        #expect(try preferred.connectionIsEncrypted())
        let plain = try PostgresBackend.connect(
            try PostgresStoreLocation(url: try Self.storeURL("sslmode=disable")), readOnly: false, logger: logger)
        #expect(try plain.connectionIsEncrypted() == false)
    }

    @Test func aCertificateAnotherCASignedIsRefusedByVerifyCA() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "tls-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let otherCA = folder + "/other.crt"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=another CA",
            "-keyout", folder + "/other.key", "-out", otherCA,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        let url = try Self.storeURL("sslmode=verify-ca&sslrootcert=\(otherCA)")
        #expect {
            try EventStore.open(postgres: url)
        } throws: { error in
            "\(error)".contains("connecting to") && "\(error)".lowercased().contains("certificate")
        }
    }

    @Test func verifyFullRefusesAHostTheCertificateDoesNotNameAndVerifyCAAcceptsIt() throws {
        // The cluster's certificate names localhost, not 127.0.0.1: the same server under
        // an address the certificate does not give.
        let root = try Self.rootCertificate()
        let url = try Self.storeURL("sslmode=verify-full&sslrootcert=\(root)")
        #expect {
            try EventStore.open(postgres: url)
        } throws: { error in
            "\(error)".contains("connecting to")
        }
        let verifyCA = try Self.storeURL("sslmode=verify-ca&sslrootcert=\(root)")
        #expect(try EventStore.open(postgres: verifyCA).head().position == 0)
    }
}
