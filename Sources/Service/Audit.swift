import Agreement
import Foundation
import Ledger
import Projections

/// The Agreement's rules applied to a ledger for reading: the auditor's verify, case views and
/// replay. Reads through the EventLog's indexes; the judging itself is the Agreement's fold.
package enum Audit {
    /// The auditor's verify: integrity and signatures (Ledger), then every rule of the Agreement
    /// over the intact events in act order. With `caseID`, only that case's breaches are kept.
    ///
    /// Everything is read from one snapshot: the report is about one tree size (`events`), and
    /// appends made meanwhile are neither checked nor reported. The fold reads each intact event
    /// again, by sequence, in act order, from the same snapshot (memory stays bounded).
    ///
    /// `progress` hears (phase, done, total): phase 0 is integrity and signatures, phase 1 the
    /// Agreement's rules.
    package static func verify(
        _ log: EventLog, held: String? = nil, caseID: String? = nil, progress: ((Int, UInt64, UInt64) -> Void)? = nil
    ) throws -> VerificationReport {
        try log.snapshot { try verifySnapshot(log, held: held, caseID: caseID, progress: progress) }
    }

    /// ``verify(_:held:caseID:progress:)`` inside the snapshot it holds.
    private static func verifySnapshot(
        _ log: EventLog, held: String?, caseID: String?, progress: ((Int, UInt64, UInt64) -> Void)?
    ) throws -> VerificationReport {
        let total = try log.size()
        // The intact events, by case (network events under ""): the fold reads them again by
        // sequence, so an entry that failed integrity is never judged.
        var seqsByCase: [String: [UInt64]] = [:]
        var intact: UInt64 = 0
        let ledgerReport = try LedgerVerifier.verify(log, held: held) { stored in
            seqsByCase[stored.event.envelope.caseID ?? "", default: []].append(stored.seq)
            intact += 1
            progress?(0, stored.seq, total)
        }
        progress?(0, total, total)
        // An act whose signature its key could not give (SIGNATURE: a key revoked before it, or
        // registered to another actor) is evidence, never a fact: the fold leaves it out.
        let unsigned = Set(ledgerReport.findings.filter { $0.check == .signature }.compactMap(\.seq))
        if !unsigned.isEmpty {
            for key in seqsByCase.keys { seqsByCase[key]?.removeAll { unsigned.contains($0) } }
        }
        // The Agreement's rules, case by case in groups with the Network's acts
        // (`Agreement.breaches(ofCases:network:)`), a round of groups per core at a time: memory
        // holds one round, not every case's state. The Network's own breaches come from folding
        // its acts alone.
        func entries(_ seqs: [UInt64]) throws -> [RawEntry] { try seqs.compactMap { try log.rawEntry(at: $0) } }
        let network = try entries(seqsByCase[""] ?? []).map(Fact.init)
        var agreementBreaches = Agreement.fold(network).1.filter { $0.caseID == nil }
        var done = UInt64(network.count)
        let cases = seqsByCase.keys.filter { !$0.isEmpty && (caseID == nil || $0 == caseID) }.sorted()
        let round = Agreement.casesPerFold * 4 * max(1, ProcessInfo.processInfo.activeProcessorCount)
        var pending: [PendingReference] = []
        for start in stride(from: 0, to: cases.count, by: round) {
            let chunk = try cases[start..<min(start + round, cases.count)].map { (id: $0, entries: try entries(seqsByCase[$0] ?? [])) }
            let verdicts = try Agreement.verdicts(ofCases: chunk, network: network)
            agreementBreaches += verdicts.breaches
            pending += verdicts.pending
            done += UInt64(chunk.reduce(0) { $0 + $1.entries.count })
            progress?(1, done, intact)
        }
        progress?(1, intact, intact)
        var report = VerificationReport(ledgerReport)
        report.breaches = Agreement.sorted(report.breaches + agreementBreaches)
        report.pending = pending.sorted { ($0.seq ?? .max, $0.event) < ($1.seq ?? .max, $1.event) }
        if let caseID { report.pending = report.pending.filter { $0.caseID == caseID } }
        if let caseID { report.breaches = report.breaches.filter { $0.caseID == caseID } }
        return report
    }

    /// A case as of now: its state, the network as of now, its events in act order, and its
    /// breaches of the Agreement — from folding the network and this case only (cases are judged
    /// independently, so these are the breaches `verify` reports for it, integrity and signatures
    /// aside). Read from one snapshot; the Network's acts from ``NetworkFacts``.
    package static func caseView(_ log: EventLog, caseID: String)
        throws -> (state: CaseState, network: NetworkState, facts: [Fact], breaches: [Breach])?
    {
        let (caseFacts, network) = try log.snapshot { (try log.events(inCase: caseID).map(Fact.init), try NetworkFacts.of(log)) }
        guard !caseFacts.isEmpty else { return nil }
        let (world, breaches) = Agreement.fold(network + caseFacts)
        guard let state = world.cases[caseID] else { return nil }
        return (state, world.network, Agreement.ordered(Corrections.applied(to: caseFacts)), breaches.filter { $0.caseID == caseID })
    }

    /// One step of an auditor's replay: the event, who signed it, the case after it, and the
    /// rules it was checked against with the breaches it committed.
    package struct ReplayStep: Sendable {
        package let fact: Fact
        package let signer: String
        package let stateAfter: CaseState
        package let checked: [String]
        package let breaches: [Breach]
        /// The act names another State's act this node does not hold yet (not a breach).
        package var pending: PendingReference? = nil
        /// Its free text as this node holds it: field → words, null where erased
        /// (``Words/view(of:_:)``); nil when the act has none.
        package var words: JSONValue? = nil

        /// The step as `amparo replay --format json` and the console's API print it.
        package var json: JSONValue {
            .object([
                "seq": fact.seq.map { .number(Double($0)) } ?? .null, "id": .string(fact.id.description), "type": .string(fact.type),
                "actor": .string(fact.actor), "signer": .string(signer), "occurred": .string(fact.occurred.description),
                "status_after": .string(stateAfter.status.rawValue), "rules_checked": .array(checked.map(JSONValue.string)),
                "breaches": .array(breaches.map(\.json)),
                "as_signed": fact.original.map { .object(["occurred": .string($0.occurred.description), "payload": .object($0.payload)]) } ?? .null,
                "corrected_by": .array(fact.correctedBy.map { .string($0.description) }),
                "pending": pending?.json ?? .null, "words": words ?? .null,
            ])
        }
    }

    /// Walks one case in act order, the network folded in as of each act. Everything is read from
    /// one snapshot: the case, the Network's acts and the words held.
    package static func replay(_ log: EventLog, caseID: String) throws -> [ReplayStep]? {
        try log.snapshot { try replaySnapshot(log, caseID: caseID) }
    }

    private static func replaySnapshot(_ log: EventLog, caseID: String) throws -> [ReplayStep]? {
        let caseEvents = try log.events(inCase: caseID)
        guard !caseEvents.isEmpty else { return nil }
        let signers = Dictionary(caseEvents.map { ($0.event.id, $0.event.signature.key) }, uniquingKeysWith: { a, _ in a })
        let facts = Agreement.ordered(Corrections.applied(to: try NetworkFacts.of(log) + caseEvents.map(Fact.init)))
        var world = World(calendar: Calendar(facts))
        var steps: [ReplayStep] = []
        let pending = Dictionary(Agreement.pendingReferences(facts).map { ($0.event, $0) }, uniquingKeysWith: { a, _ in a })
        let checked = Rules.catalog.filter { if case .byLedger = $0.judgement { false } else { true } }.map(\.id.rawValue)
        let held = try log.words(ofPayloads: facts.filter { $0.caseID == caseID }.map(\.payload))
        for fact in facts {
            let breaches = Agreement.apply(fact, to: &world)
            guard fact.caseID == caseID, let state = world.cases[caseID] else { continue }
            var step = ReplayStep(fact: fact, signer: signers[fact.id] ?? "?", stateAfter: state, checked: checked, breaches: breaches)
            step.pending = pending[fact.id.description]
            step.words = Words.view(of: fact.payload, held)
            steps.append(step)
        }
        let final = Agreement.finalize(world).filter { $0.caseID == caseID }
        if !final.isEmpty, let last = steps.indices.last {
            // Art. 7.7 is judged on the whole history; show it on the conclusion's step.
            let target = steps.lastIndex { $0.fact.kind == .concluded } ?? last
            let s = steps[target]
            var step = ReplayStep(fact: s.fact, signer: s.signer, stateAfter: s.stateAfter, checked: s.checked, breaches: s.breaches + final)
            step.pending = s.pending
            step.words = s.words
            steps[target] = step
        }
        return steps
    }
}
