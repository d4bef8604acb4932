import Foundation
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdTesting
import NIOCore
import SubledgerLedger
import SubledgerServer
import SubledgerStore
import Testing

/// A service over a ledger in memory (or on disk), with one key per role, and the facts the
/// tests record.
struct ServiceFixture {
    /// The secret of each test key, by name: `admin` (admin), `reader` (read), `recorder`
    /// (read, record), `operator` (read, apply), `eraser` (erase).
    static let secrets = ["admin": "secret-admin", "reader": "secret-reader", "recorder": "secret-recorder",
        "operator": "secret-operator", "eraser": "secret-eraser"]

    static let keys = APIKeyFile(keys: [
        key("admin", [.admin]), key("reader", [.read]), key("recorder", [.read, .record]),
        key("operator", [.read, .apply]), key("eraser", [.erase]),
    ])

    private static func key(_ name: String, _ scopes: Set<APIScope>) -> APIKey {
        APIKey(name: name, scopes: scopes, secretSHA256: APIKeyFile.sha256Hex(of: secrets[name]!))
    }

    let service: LedgerService

    /// The tests' logger: refusals are the tests' subject, not news.
    static let quiet: Logger = {
        var logger = Logger(label: "subledger.serve.tests")
        logger.logLevel = .critical
        return logger
    }()

    init(ledger: Ledger = .inMemory(), limits: ServiceLimits = ServiceLimits()) {
        service = LedgerService(ledger: ledger, keys: Self.keys, limits: limits)
    }

    /// Runs `body` with a client of the service in process (Hummingbird's router test framework).
    func test<Value: Sendable>(
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let application = Application(router: service.router(), logger: Self.quiet)
        return try await application.test(.router, body)
    }

    /// The headers of a request made with `key`'s secret (none for `nil`).
    static func headers(_ key: String?, json: Bool = false) -> HTTPFields {
        var fields = HTTPFields()
        if let key { fields[.authorization] = "Bearer \(secrets[key] ?? key)" }
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    /// `{"facts": [LINES...], "expectedVersions": [...]}` of fact lines given as JSON text.
    static func body(_ facts: [String], expected: [String] = []) -> ByteBuffer {
        var text = #"{"facts":["# + facts.joined(separator: ",") + "]"
        if !expected.isEmpty { text += #","expectedVersions":["# + expected.joined(separator: ",") + "]" }
        return ByteBuffer(string: text + "}")
    }

    static let line = "+989120000001"
    static let registered =
        #"{"type":"SubscriberRegistered","subscriber":"S-1","occurredAt":"2025-01-01T00:00:00Z","data":{"subscriberId":"S-1","kind":"individual","governmental":false,"name":"N","nationalId":"1"}}"#
    static let activated =
        #"{"type":"LineActivated","line":"+989120000001","occurredAt":"2025-01-01T00:01:00Z","data":{"subscriberId":"S-1","service":"mobile","plan":"noDeposit","connectionFee":0,"vanityPremium":0}}"#

    /// A usage fact of `amount` rials on the test line, at `day` of January 2025, with `eventId` if given.
    static func usage(_ amount: Int, day: Int = 2, eventID: String? = nil, description: String = "u") -> String {
        let id = eventID.map { #","eventId":"\#($0)""# } ?? ""
        return #"{"type":"UsageRecorded","line":"+989120000001","occurredAt":"2025-01-\#(String(format: "%02d", day))T00:00:00Z","data":{"amount":\#(amount),"description":"\#(description)"}\#(id)}"#
    }
}

extension TestResponse {
    /// The body as JSON (the store's strict parser).
    func json() throws -> JSONValue {
        try JSONParser.parse(String(buffer: body))
    }

    /// The body's JSON object.
    func object() throws -> JSONObject {
        let value = try json()
        guard case .object(let object) = value else { throw FixtureError("not a JSON object: \(String(buffer: body))") }
        return object
    }

    /// The body's lines, each one JSON object (JSON Lines).
    func lines() throws -> [JSONObject] {
        try String(buffer: body).split(separator: "\n").map { line in
            guard case .object(let object) = try JSONParser.parse(String(line)) else { throw FixtureError("a line") }
            return object
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
