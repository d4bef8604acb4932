public import Hummingbird

/// One operation of docs/openapi.yaml as the service serves it: its method, its path as the
/// document writes it (`/v1/lines/{line}/status`, which is also Hummingbird's route syntax),
/// the scope a key needs, and the handler. The service's routes are exactly its endpoints
/// (a test compares them with the document).
public struct Endpoint: Sendable {
    /// The HTTP method.
    public var method: HTTPRequest.Method
    /// The path, as the document writes it.
    public var path: String
    /// The scope the caller's key needs.
    public var scope: APIScope
    /// Answers a request whose key was accepted (``ServiceRequestContext/caller`` is set).
    var handle: @Sendable (Request, ServiceRequestContext) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, scope: APIScope,
        _ handle: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Response
    ) {
        precondition(path.hasPrefix("/"), "an endpoint's path is absolute")
        self.method = method
        self.path = path
        self.scope = scope
        self.handle = handle
    }
}
