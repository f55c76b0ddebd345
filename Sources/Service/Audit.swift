import Agreement
import LMDB
import Ledger

/// The Agreement's rules applied to a ledger for reading: the auditor's verify, case views and
/// replay. Reads through the EventLog's indexes; the judging itself is the Agreement's fold.
public enum Audit {
    /// The auditor's verify: integrity and signatures (Ledger), then every rule of the Agreement
    /// over the intact events in act order. With `caseID`, only that case's breaches are kept.
    ///
    /// Everything is read from one snapshot: the report is about one tree size (`events`), and
    /// appends made meanwhile are neither checked nor reported. The fold reads each intact event
    /// again, by sequence, in act order, from the same snapshot (memory stays bounded).
    ///
    /// `progress` hears (phase, done, total): phase 0 is integrity and signatures, phase 1 the
    /// Agreement's rules.
    public static func verify(
        _ log: EventLog, held: String? = nil, caseID: String? = nil, progress: ((Int, UInt64, UInt64) -> Void)? = nil
    ) throws -> VerificationReport {
        try log.read { snapshot in try verify(log, in: snapshot, held: held, caseID: caseID, progress: progress) }
    }

    static func verify(
        _ log: EventLog, in snapshot: borrowing Transaction, held: String?, caseID: String?, progress: ((Int, UInt64, UInt64) -> Void)? = nil
    ) throws -> VerificationReport {
        let total = try log.size(in: snapshot)
        var keys: [(Timestamp, UInt64)] = []
        var calendar = Calendar()
        var corrections = Corrections()
        let ledgerReport = try LedgerVerifier.verify(log, in: snapshot, held: held) { stored in
            keys.append((stored.event.envelope.occurred, stored.seq))
            let fact = Fact(stored)
            calendar.note(fact)
            corrections.note(fact)
            progress?(0, stored.seq, total)
        }
        progress?(0, total, total)
        // A corrected act takes its corrected place in act order (keys are in sequence order here).
        for target in corrections.targets {
            guard let seq = try log.seq(in: snapshot, of: target), let stored = try log.event(in: snapshot, at: seq) else { continue }
            var (low, high) = (0, keys.count)
            while low < high {
                let mid = (low + high) / 2
                if keys[mid].1 < seq { low = mid + 1 } else { high = mid }
            }
            let at = low
            if at < keys.count, keys[at].1 == seq { keys[at].0 = corrections.apply(Fact(stored)).occurred }
        }
        var world = World(calendar: calendar)
        var agreementBreaches: [Breach] = []
        keys.sort { $0 < $1 }
        // In act order, a batch at a time: the entries are read here, decoded into facts on every
        // core, and applied here in order.
        var done = 0
        for start in stride(from: 0, to: keys.count, by: 4096) {
            let raws = try keys[start..<min(start + 4096, keys.count)].compactMap { try log.rawEntry(in: snapshot, at: $0.1) }
            let facts = try concurrentMap(raws.count) { i in
                Fact(seq: raws[i].seq, recorded: raws[i].recorded, envelope: try SignedEvent(bytes: raws[i].bytes, checkCanonical: false).envelope)
            }
            for fact in facts {
                agreementBreaches += Agreement.apply(corrections.apply(fact), to: &world)
                done += 1
                progress?(1, UInt64(done), UInt64(keys.count))
            }
        }
        agreementBreaches += Agreement.finalize(world)
        var report = VerificationReport(ledgerReport)
        report.breaches = Agreement.sorted(report.breaches + agreementBreaches)
        if let caseID { report.breaches = report.breaches.filter { $0.caseID == caseID } }
        return report
    }

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
        return (state, world.network, Agreement.ordered(Corrections.applied(to: caseFacts)), breaches.filter { $0.caseID == caseID })
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
        let facts = Agreement.ordered(Corrections.applied(to: try log.networkEvents().map(Fact.init) + caseEvents.map(Fact.init)))
        var world = World(calendar: Calendar(facts))
        var steps: [ReplayStep] = []
        let checked = Rules.catalog.filter { if case .byLedger = $0.judgement { false } else { true } }.map(\.id.rawValue)
        for fact in facts {
            let breaches = Agreement.apply(fact, to: &world)
            guard fact.caseID == caseID, let state = world.cases[caseID] else { continue }
            steps.append(
                ReplayStep(
                    fact: fact, signer: signers[fact.id] ?? "?", stateAfter: state,
                    checked: checked,
                    breaches: breaches))
        }
        let final = Agreement.finalize(world).filter { $0.caseID == caseID }
        if !final.isEmpty, let last = steps.indices.last {
            // Art. 7.7 is judged on the whole history; show it on the conclusion's step.
            let target = steps.lastIndex { $0.fact.kind == .concluded } ?? last
            let s = steps[target]
            steps[target] = ReplayStep(fact: s.fact, signer: s.signer, stateAfter: s.stateAfter, checked: s.checked, breaches: s.breaches + final)
        }
        return steps
    }
}
