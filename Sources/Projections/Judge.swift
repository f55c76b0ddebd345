import Agreement
import LMDB
import Ledger

/// The Agreement's rules applied to a ledger: the write path's check, the auditor's verify, and
/// case views. Reads through the EventLog's indexes; the judging itself is the Agreement's fold.
public enum Judge {
    /// Acts refused because they breach the Agreement (exit status 1). Carries every breach.
    public struct Refusal: Error, Sendable {
        public let breaches: [Breach]
        /// Draft line of each breach's event, when the drafts came from a file or stdin.
        public let lines: [String: Int]
        /// Where the drafts came from ("drafts.jsonl", "stdin"); nil for an event command.
        public let source: String?

        /// One line: the first breach's sentence, its line, and the other rules breached.
        public var message: String {
            guard let first = breaches.first else { return "refused" }
            let line = source.flatMap { s in first.event.flatMap { lines[$0] }.map { "\(s) line \($0): " } } ?? ""
            var others: [String] = []
            for b in breaches.dropFirst() where b.rule != first.rule && !others.contains(b.rule) { others.append(b.rule) }
            let more = others.isEmpty ? "" : " (also \(others.joined(separator: ", ")))"
            return "\(line)\(first.rule): \(first.message)\(more) Nothing was written; use --record-violations to record historic acts anyway."
        }
    }

    /// A draft that is not a well-formed event of the catalog (exit status 2; with its line number
    /// when the drafts came from `source`).
    public static func shapeCheck(_ batch: [(line: Int, event: SignedEvent)], source: String?) throws {
        for (line, event) in batch {
            let e = event.envelope
            if let problem = Catalog.shapeProblem(type: e.type, caseID: e.caseID, payload: e.payload)
                ?? Catalog.caseYearProblem(type: e.type, caseID: e.caseID, occurred: e.occurred) {
                let place = source.map { "\($0) line \(line): " } ?? ""
                throw LedgerError(.badDraft, "\(place)\(problem); nothing was written")
            }
        }
    }

    /// The breaches recording `batch` would add (``Agreement/newBreaches(existing:adding:)``), judged
    /// with the cases the batch touches as the log holds them — or the whole log when the batch
    /// holds network events, which every case depends on.
    public static func breaches(of batch: [SignedEvent], in log: EventLog, recorded: Timestamp = .now()) throws -> [Breach] {
        var facts: [Fact]
        if batch.contains(where: { $0.envelope.caseID == nil }) {
            facts = []
            try log.forEach { facts.append(Fact($0)); return true }
        } else {
            facts = try log.networkEvents().map(Fact.init)
            for caseID in Set(batch.compactMap(\.envelope.caseID)).sorted() { facts += try log.events(inCase: caseID).map(Fact.init) }
        }
        let held = Set(facts.map(\.id))
        let fresh = batch.filter { !held.contains($0.id) }.map { Fact(seq: nil, recorded: recorded, envelope: $0.envelope) }
        return Agreement.newBreaches(existing: facts, adding: fresh)
    }

    /// The write path's check for `amparo append` and the event commands: malformed drafts are
    /// refused (exit 2); breaches refuse the batch (exit 1) unless `recordViolations`.
    ///
    /// With `recordViolations`, the breaches are recorded anyway and each is passed to `warn`.
    /// `source` names where drafts came from, for line numbers; nil for an event command.
    public static func writeCheck(
        log: EventLog, source: String?, recordViolations: Bool, warn: ((String) -> Void)? = nil
    ) -> ([(line: Int, event: SignedEvent)]) throws -> Void {
        { batch in
            try shapeCheck(batch, source: source)
            let found = try breaches(of: batch.map(\.event), in: log)
            if recordViolations {
                for b in found { warn?("recorded despite \(b.rule): \(b.message)") }
                return
            }
            if !found.isEmpty {
                var lines: [String: Int] = [:]
                for (line, event) in batch { lines[event.id.description] = line }
                throw Refusal(breaches: found, lines: lines, source: source)
            }
        }
    }

    /// The auditor's verify: integrity and signatures (Ledger), then every rule of the Agreement
    /// over the intact events in act order. With `caseID`, only that case's breaches are kept.
    ///
    /// Everything is read from one snapshot: the report is about one tree size (`events`), and
    /// appends made meanwhile are neither checked nor reported. The fold reads each intact event
    /// again, by sequence, in act order, from the same snapshot (memory stays bounded).
    public static func verify(_ log: EventLog, held: String? = nil, caseID: String? = nil) throws -> VerificationReport {
        try log.read { snapshot in try verify(log, in: snapshot, held: held, caseID: caseID) }
    }

    static func verify(_ log: EventLog, in snapshot: borrowing Transaction, held: String?, caseID: String?) throws -> VerificationReport {
        var keys: [(Timestamp, UInt64)] = []
        var report = try LedgerVerifier.verify(log, in: snapshot, held: held) { stored in
            keys.append((stored.event.envelope.occurred, stored.seq))
        }
        var world = World()
        var agreementBreaches: [Breach] = []
        keys.sort { $0 < $1 }
        for (_, seq) in keys {
            guard let stored = try log.event(in: snapshot, at: seq) else { continue }
            agreementBreaches += Agreement.apply(Fact(stored), to: &world)
        }
        agreementBreaches += Agreement.finalize(world)
        report.breaches += agreementBreaches
        report.breaches.sort { ($0.seq ?? .max, ruleOrder($0.rule)) < ($1.seq ?? .max, ruleOrder($1.rule)) }
        if let caseID { report.breaches = report.breaches.filter { $0.caseID == caseID } }
        return report
    }

    static func ruleOrder(_ id: String) -> Int { Rules.catalog.firstIndex { $0.id == id } ?? Rules.catalog.count }

    /// A case as of now: its state, the network as of now, its events in act order, and its
    /// breaches of the Agreement — from folding the network and this case only (cases are judged
    /// independently, so these are the breaches `verify` reports for it, integrity and signatures
    /// aside).
    public static func caseView(_ log: EventLog, caseID: String)
        throws -> (state: CaseState, network: NetworkState, facts: [Fact], breaches: [Breach])?
    {
        let caseFacts = try log.events(inCase: caseID).map(Fact.init)
        guard !caseFacts.isEmpty else { return nil }
        let (world, breaches) = Agreement.fold(try log.networkEvents().map(Fact.init) + caseFacts)
        guard let state = world.cases[caseID] else { return nil }
        return (state, world.network, Agreement.ordered(caseFacts), breaches.filter { $0.caseID == caseID })
    }

    /// One step of an auditor's replay: the event, who signed it, the case after it, and the
    /// rules it was checked against with the breaches it committed.
    public struct ReplayStep: Sendable {
        public let fact: Fact
        public let signer: String
        public let stateAfter: CaseState
        public let checked: [String]
        public let breaches: [Breach]
    }

    /// Walks one case in act order, the network folded in as of each act.
    public static func replay(_ log: EventLog, caseID: String) throws -> [ReplayStep]? {
        let caseEvents = try log.events(inCase: caseID)
        guard !caseEvents.isEmpty else { return nil }
        let signers = Dictionary(caseEvents.map { ($0.event.id, $0.event.signature.key) }, uniquingKeysWith: { a, _ in a })
        let facts = Agreement.ordered(try log.networkEvents().map(Fact.init) + caseEvents.map(Fact.init))
        var world = World()
        var steps: [ReplayStep] = []
        for fact in facts {
            let breaches = Agreement.apply(fact, to: &world)
            guard fact.caseID == caseID, let state = world.cases[caseID] else { continue }
            steps.append(ReplayStep(fact: fact, signer: signers[fact.id] ?? "?", stateAfter: state,
                                    checked: Rules.catalog.filter { $0.id != "INTEGRITY" && $0.id != "SIGNATURE" }.map(\.id),
                                    breaches: breaches))
        }
        let final = Agreement.finalize(world).filter { $0.caseID == caseID }
        if !final.isEmpty, let last = steps.indices.last {
            // Art. 7.7 is judged on the whole history; show it on the conclusion's step.
            let target = steps.lastIndex { $0.fact.type == "case.concluded" } ?? last
            let s = steps[target]
            steps[target] = ReplayStep(fact: s.fact, signer: s.signer, stateAfter: s.stateAfter, checked: s.checked, breaches: s.breaches + final)
        }
        return steps
    }
}
