import CoreMetrics
import Foundation
public import Prometheus

/// The service's metrics, kept in its own Prometheus registry (no process-wide bootstrap,
/// so that two services in one process, as in the tests, count apart) and exposed by
/// `/metrics` in Prometheus's text format.
///
/// Counters: `subledger_appends_total` (requests that recorded), `subledger_events_recorded_total`,
/// `subledger_refusals_total{rule}` (a fact's refusal is `rule="bad-fact"`),
/// `subledger_subscription_events_read_total`. Histograms:
/// `subledger_request_duration_seconds{route,status}`, `subledger_append_batch_events` (the
/// events one append wrote together, sharing one commit and its fsync). Gauges:
/// `subledger_store_size_bytes` (the store's data file) and `subledger_log_head`.
public final class ServiceMetrics: Sendable {
    /// The registry `/metrics` emits.
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    /// Metrics in a new registry.
    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["subledger_request_duration_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.valueHistogramBuckets["subledger_append_batch_events"] = [1, 2, 4, 8, 16, 64, 256, 1_000, 10_000]
        self.factory = factory
    }

    /// Counts one append that recorded `appended` new events (of `batch` facts).
    func recorded(appended: Int, batch: Int) {
        Counter(label: "subledger_appends_total", factory: factory).increment()
        Counter(label: "subledger_events_recorded_total", factory: factory).increment(by: appended)
        if appended > 0 {
            Recorder(label: "subledger_append_batch_events", factory: factory).record(appended)
        }
    }

    /// Counts a refusal by `rule` (a rule id, or `bad-fact`, `version-conflict`).
    func refused(rule: String) {
        Counter(label: "subledger_refusals_total", dimensions: [("rule", rule)], factory: factory).increment()
    }

    /// Counts `count` events a subscription read from the log (`subledger_subscription_events_read_total`):
    /// against the events its clients took, it shows how far a subscription reads ahead.
    func subscriptionRead(_ count: Int) {
        Counter(label: "subledger_subscription_events_read_total", factory: factory).increment(by: count)
    }

    /// Records one request's latency under its route (the document's path) and status.
    func request(route: String, status: Int, duration: Duration) {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        Timer(
            label: "subledger_request_duration_seconds", dimensions: [("route", route), ("status", "\(status)")],
            factory: factory
        ).recordNanoseconds(nanoseconds)
    }

    /// Sets the gauges read at each scrape: the store's data file size and the log's head.
    func observe(storeSizeBytes: Int64, head: UInt64) {
        Gauge(label: "subledger_store_size_bytes", factory: factory).record(storeSizeBytes)
        Gauge(label: "subledger_log_head", factory: factory).record(Int64(clamping: head))
    }

    /// The exposition, Prometheus text format 0.0.4.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
