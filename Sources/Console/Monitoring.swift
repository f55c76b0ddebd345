import Agreement
import Bundles
import Foundation
import Ledger
import Metrics
import Projections
import Prometheus
import Synchronization

/// What `serve` tells a monitoring system: `/metrics` in the Prometheus text format (swift-metrics
/// handlers made by swift-prometheus's factory into this node's own registry) and the readiness
/// `/healthz` reports. The ledger's figures are read when scraped; request, sync and witness
/// counters as they happen. The metric names and what to alert on: docs/operations.md.
package final class Monitor: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    let entries: Prometheus.Gauge
    let appended: Prometheus.Counter
    let checkpointAge: Prometheus.Gauge
    let cosignatures: Prometheus.Gauge
    let projectionLag: Prometheus.Gauge
    let rebuilds: Prometheus.Gauge
    let verifyLastRun: Prometheus.Gauge
    let verifyFailing: Prometheus.Gauge
    let signingHeld: Prometheus.Gauge
    /// The forces a finding can have: each is exported, at 0 when there is none.
    static let forces = Force.allCases.map { $0.rawValue.replacingOccurrences(of: " ", with: "_") }
    let findings: [String: Prometheus.Gauge]
    /// The log size last seen, from which `appended` grows.
    private let lastSize = Mutex<UInt64?>(nil)
    private let requests = Mutex<[String: (Metrics.Counter, Metrics.Timer)]>([:])

    package init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["amparo_http_request_duration_seconds"] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        entries = registry.makeGauge(name: "amparo_log_entries", help: "Entries in the log (its tree size).")
        appended = registry.makeCounter(name: "amparo_log_appended_entries_total", help: "Entries appended to the log since serve started.")
        checkpointAge = registry.makeGauge(
            name: "amparo_checkpoint_age_seconds", help: "Seconds since the node signed its latest checkpoint (the last append's recording time).")
        cosignatures = registry.makeGauge(name: "amparo_checkpoint_cosignatures", help: "Witness cosignatures the latest checkpoint carries.")
        projectionLag = registry.makeGauge(name: "amparo_projection_lag_entries", help: "Entries the case projection has not applied yet.")
        rebuilds = registry.makeGauge(
            name: "amparo_projection_rebuilds", help: "Rebuilds of the projections this ledger went through (each reads the whole log).")
        verifyLastRun = registry.makeGauge(
            name: "amparo_verify_last_run_timestamp_seconds", help: "When the background verify last finished (Unix time; 0: not yet).")
        verifyFailing = registry.makeGauge(name: "amparo_verify_failing", help: "1 when the background verify could not run (see the log), else 0.")
        signingHeld = registry.makeGauge(
            name: "amparo_signing_held", help: "1 while a restored ledger signs nothing until `amparo resume`, else 0.")
        var findings: [String: Prometheus.Gauge] = [:]
        for force in Monitor.forces {
            findings[force] = registry.makeGauge(
                name: "amparo_verify_findings", labels: [("force", force)], help: "Findings of the last background verify, by the force of the rule's words.")
        }
        self.findings = findings
    }

    /// One request served: counted by route, method and status; timed by route and method.
    package func request(route: String, method rawMethod: String, status: Int, seconds: Double) {
        // The method is the client's word: any other than these is "other", so that no client can
        // make the registry grow without bound (one series a label value).
        let method = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"].contains(rawMethod) ? rawMethod : "other"
        let key = route + " " + method + " " + String(status)
        let (counter, timer) = requests.withLock { cache in
            if let held = cache[key] { return held }
            let made = (
                Metrics.Counter(
                    label: "amparo_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory),
                Metrics.Timer(label: "amparo_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: factory)
            )
            cache[key] = made
            return made
        }
        counter.increment()
        timer.recordNanoseconds(Int64(seconds * 1e9))
    }

    /// One sync round with one peer.
    package func syncRound(peer: String, ok: Bool) {
        Metrics.Counter(label: "amparo_sync_rounds_total", dimensions: [("peer", peer), ("outcome", ok ? "ok" : "failed")], factory: factory).increment()
        if ok {
            Metrics.Gauge(label: "amparo_sync_last_success_timestamp_seconds", dimensions: [("peer", peer)], factory: factory)
                .record(Date().timeIntervalSince1970)
        }
    }

    /// One `POST /add-checkpoint` answered: a cosignature given, or refused.
    package func witnessed(given: Bool) {
        Metrics.Counter(label: "amparo_witness_cosignatures_total", dimensions: [("outcome", given ? "given" : "refused")], factory: factory).increment()
    }

    /// Reads the ledger's figures into the gauges.
    func sample(_ console: Console) throws {
        let log = console.log
        let size = try log.size()
        entries.set(Double(size))
        let grown = lastSize.withLock { last -> UInt64 in
            defer { last = size }
            guard let before = last, size > before else { return 0 }
            return size - before
        }
        if grown > 0 { appended.increment(by: Int64(grown)) }
        if size > 0, let last = try log.rawEntry(at: size) {
            checkpointAge.set(max(0, Double(Timestamp.now().milliseconds - last.recorded.milliseconds) / 1000))
        }
        if let (_, note) = try log.latestCheckpoint() {
            // The node's own signature, and the witnesses' cosignatures collected for it.
            let cosigned = try SignedNote(parsing: try FederationStore(log: log).cosigned(note))
            cosignatures.set(Double(max(0, cosigned.signatures.count - 1)))
        }
        let store = try ProjectionStore(log: log)
        rebuilds.set(Double(try store.rebuildCount()))
        let applied = try store.appliedSeq(.cases)
        projectionLag.set(Double(size > applied ? size - applied : 0))
        signingHeld.set(try log.signingHold() == nil ? 0.0 : 1.0)
        let (run, error) = console.verifyState.withLock { ($0.last, $0.error) }
        verifyFailing.set(error == nil ? 0.0 : 1.0)
        if let run {
            verifyLastRun.set(run.finished.timeIntervalSince1970)
            let counts = Dictionary(grouping: run.breaches, by: { $0.force.replacingOccurrences(of: " ", with: "_") }).mapValues(\.count)
            for (force, gauge) in findings { gauge.set(Double(counts[force] ?? 0)) }
        }
    }

    /// The Prometheus text exposition.
    func exposition(_ console: Console) throws -> [UInt8] {
        try sample(console)
        return registry.emitToBuffer()
    }

    /// Ready, or why not: the ledger directory and its data file are where the node opened them and
    /// a read transaction answers.
    static func health(_ console: Console) -> String? {
        let log = console.log
        var info = stat()
        guard stat(log.path + "/data.mdb", &info) == 0 else {
            return "the ledger's data file \(log.path)/data.mdb cannot be read (\(String(cString: strerror(errno))))"
        }
        do {
            _ = try log.size()
        } catch {
            return "the ledger cannot be read: \(error)"
        }
        if let failure = console.verifyState.withLock({ $0.error }) { return "the background verify cannot run: \(failure)" }
        return nil
    }
}
