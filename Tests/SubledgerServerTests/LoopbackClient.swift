import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP/1.1 client over a loopback TCP socket, for the tests against the real server:
/// one request per connection (`Connection: close`), or a response read as it arrives (SSE).
final class LoopbackConnection {
    private let socketDescriptor: Int32
    private var pending: [UInt8] = []
    /// The body read so far and not taken, once the head was read (``readHead()``): the
    /// server streams (SSE) with chunked transfer coding, which this removes.
    private var body: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; with `receiveBufferBytes`, a small receive buffer (and so
    /// a small TCP window: a slow client).
    init(port: Int, receiveBufferBytes: Int32? = nil) throws {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw FixtureError("socket: errno \(errno)") }
        if var size = receiveBufferBytes {
            setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socketDescriptor)
            throw FixtureError("connect to port \(port): errno \(errno)")
        }
    }

    deinit { close(socketDescriptor) }

    /// Closes the connection both ways, as a client that goes away.
    func disconnect() { shutdown(socketDescriptor, Int32(SHUT_RDWR)) }

    /// Sends a request with `secret`'s key and `body`.
    func send(
        _ method: String, _ path: String, secret: String?, headers: [String: String] = [:], body: String = "",
        keepAlive: Bool = false
    ) throws {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (keepAlive ? "" : "Connection: close\r\n")
        if let secret { text += "Authorization: Bearer \(secret)\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Glibc.write(socketDescriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw FixtureError("write: errno \(errno)") }
            sent += written
        }
    }

    /// The bytes read next (blocking); empty at the end of the stream.
    private func readSome() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(socketDescriptor, $0.baseAddress, $0.count) }
        return count > 0 ? Array(buffer[0..<count]) : []
    }

    /// Reads up to and including the next `separator` (an SSE event ends with a blank line).
    func read(until separator: String) throws -> String {
        let marker = Array(separator.utf8)
        while true {
            if let range = pending.firstRange(of: marker) {
                let text = String(decoding: pending[..<range.upperBound], as: UTF8.self)
                pending.removeSubrange(..<range.upperBound)
                return text
            }
            let more = readSome()
            guard !more.isEmpty else { throw FixtureError("the stream ended before \(separator.debugDescription)") }
            pending += more
        }
    }

    /// Reads the response's head (status line and headers) of a chunked, streamed response.
    func readHead() throws -> String {
        try read(until: "\r\n\r\n")
    }

    /// Reads the body up to and including the next `separator`, through the chunked coding.
    func readBody(until separator: String) throws -> String {
        let marker = Array(separator.utf8)
        while true {
            if let range = body.firstRange(of: marker) {
                let text = String(decoding: body[..<range.upperBound], as: UTF8.self)
                body.removeSubrange(..<range.upperBound)
                return text
            }
            let sizeLine = try read(until: "\r\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let size = Int(sizeLine, radix: 16) else { throw FixtureError("not a chunk size: \(sizeLine)") }
            guard size > 0 else { throw FixtureError("the stream ended before \(separator.debugDescription)") }
            while pending.count < size + 2 {
                let more = readSome()
                guard !more.isEmpty else { throw FixtureError("the stream ended inside a chunk") }
                pending += more
            }
            body += pending[..<size]
            pending.removeSubrange(..<(size + 2))
        }
    }

    /// The whole response (the server closes the connection): its status and its body.
    func response() throws -> (status: Int, body: String) {
        while true {
            let more = readSome()
            if more.isEmpty { break }
            pending += more
        }
        let text = String(decoding: pending, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { throw FixtureError("no response head: \(text)") }
        let statusLine = text[..<headEnd.lowerBound].split(separator: "\r\n").first ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, String(text[headEnd.upperBound...]))
    }

    /// One request and its response on a new connection.
    static func request(
        port: Int, _ method: String, _ path: String, secret: String?, body: String = ""
    ) async throws -> (status: Int, body: String) {
        try await offPool {
            let connection = try LoopbackConnection(port: port)
            try connection.send(
                method, path, secret: secret, headers: body.isEmpty ? [:] : ["Content-Type": "application/json"],
                body: body)
            return try connection.response()
        }
    }

    /// Reads the streamed body up to the next `separator` without blocking a thread of the
    /// cooperative pool (the head first, when `separator` is the head's end).
    func next(until separator: String) async throws -> String {
        nonisolated(unsafe) let connection = self
        if separator == "\r\n\r\n" { return try await Self.offPool { try connection.readHead() } }
        return try await Self.offPool { try connection.readBody(until: separator) }
    }

    /// Reads `count` pieces of the streamed body, each ending with `separator`, on one thread.
    func skip(_ count: Int, until separator: String) async throws {
        nonisolated(unsafe) let connection = self
        try await Self.offPool { for _ in 0..<count { _ = try connection.readBody(until: separator) } }
    }

    /// The blocking socket calls run on threads of their own: on a machine of 2 cores, Swift's
    /// cooperative pool has 2 threads, and a client blocked in `read` on them would starve the
    /// server it waits for (its handlers run on the same pool).
    static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}
