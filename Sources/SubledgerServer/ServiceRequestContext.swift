public import Hummingbird
public import Logging
public import NIOCore

/// A request's context in the service: Hummingbird's core context and the API key that
/// called (set once the key is checked, before the endpoint's handler runs).
public struct ServiceRequestContext: RequestContext {
    /// Hummingbird's per-request storage (logger, allocator, parameters).
    public var coreContext: CoreRequestContextStorage
    /// The caller's key, once ``Access/authorize(_:scope:)`` accepted it.
    public var caller: APIKey?

    /// A context for a new request.
    /// - Parameters:
    ///   - source: the channel's source of the request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        caller = nil
    }
}
