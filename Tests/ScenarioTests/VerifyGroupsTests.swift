import Agreement
import Foundation
import Ledger
import Scenario
import Service
import TestSupport
import Testing

/// `verify` judges the Agreement over groups of cases, each with the Network's acts (issue 12).
/// The Network's own breaches come from folding its acts alone: they must still be reported, once.
@Suite struct VerifyGroupsTests {
    @Test("a breach on a Network act (no case) is reported by verify, once, beside the cases' breaches")
    func networkBreachesAreReportedOnce() throws {
        let dir = try TestSupport.temporaryDirectory("verify-groups")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ts = ScenarioKeys.key(Codes.secretariat)
        let log = try EventLog.create(path: dir + "/L", name: ScenarioKeys.ledgerName, secretariat: .privateKey(ts)).log
        // A lawful scenario of 300 cases (more than one group of 256), appended as a bundle would.
        var batch: [SignedEvent] = []
        try ScenarioGenerator(cases: 300).generate { batch.append($0) }
        _ = try log.append(batch)
        let before = try Audit.verify(log).breaches
        // A Network act that is not a well-formed event of the catalog: only a bundle can bring one.
        let malformed = Envelope(
            id: .v7(), type: EventType.focalPointDesignated.name, caseID: nil, actor: Codes.secretariat,
            occurred: Timestamp(parsing: "2016-01-01")!, payload: [:]
        ).signed(by: ts)
        _ = try log.append([malformed])
        let after = try Audit.verify(log).breaches
        let mine = after.filter { $0.event == malformed.id.description }
        #expect(mine.contains { $0.rule == RuleID.lifecycle.rawValue && $0.caseID == nil })
        #expect(after.count == before.count + mine.count)
        // Once each: no group reports the Network's breaches again.
        #expect(Set(after.map { "\($0.rule) \($0.event ?? "") \($0.message)" }).count == after.count)
        // And the same breaches as one fold over every fact in act order (the definition).
        let facts = try (1...(try log.size())).compactMap { try log.event(at: $0) }.map(Fact.init)
        let whole = Agreement.fold(facts).1.map { "\($0.rule) \($0.event ?? "") \($0.message)" }
        // (The ledger itself is intact: every breach is the Agreement's.)
        #expect(try LedgerVerifier.verify(log).findings.isEmpty)
        let reported = after.map { "\($0.rule) \($0.event ?? "") \($0.message)" }.sorted()
        #expect(reported.count == whole.count)
        #expect(reported == whole.sorted(), "verify's grouped fold differs from the one fold over every fact")
    }
}

/// A case's replay folds the Network's acts in; they are decoded once per process and ledger
/// (``NetworkFacts``), and never served once the Network has changed.
@Suite struct ReplayNetworkTests {
    @Test("a case's replay sees a Network act appended after an earlier replay, and a new ledger at the same path")
    func replaySeesTheNetworkAsItIsNow() throws {
        let dir = try TestSupport.temporaryDirectory("replay-network")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ts = ScenarioKeys.key(Codes.secretariat)
        func ledger() throws -> EventLog {
            if FileManager.default.fileExists(atPath: dir + "/L") { try FileManager.default.removeItem(atPath: dir + "/L") }
            let made = try EventLog.create(path: dir + "/L", name: ScenarioKeys.ledgerName, secretariat: .privateKey(ts))
            let log = made.log
            var batch: [SignedEvent] = []
            try ScenarioGenerator(cases: 12).generate { batch.append($0) }
            _ = try log.append(batch)
            return log
        }
        func partyBreaches(_ log: EventLog, _ caseID: String) throws -> [Breach] {
            try #require(try Audit.replay(log, caseID: caseID)).flatMap(\.breaches).filter { $0.rule == RuleID.party.rawValue }
        }
        do {
            let log = try ledger()
            let caseID = try #require(try log.caseIDs(prefix: "").first)
            let filing = try #require(try Audit.replay(log, caseID: caseID)?.first).fact
            #expect(try partyBreaches(log, caseID).isEmpty)
            // The requesting State leaves the Agreement the day before it files: its filing is not a Party's.
            let before = try #require(Timestamp(parsing: filing.occurred.date)).adding(seconds: -86_400)
            let leaves = Envelope(
                id: .v7(), type: EventType.leftAgreement.name, caseID: nil, actor: filing.actor, occurred: before,
                payload: ["effective": .string(before.date)]
            ).signed(by: ScenarioKeys.key(filing.actor))
            _ = try log.append([leaves])
            let breaches = try partyBreaches(log, caseID)
            #expect(breaches.contains { $0.event == filing.id.description }, "the replay did not see the Network act appended after it")
        }
        // The same ledger made again at the same path (the first one closed), without the
        // departure: no breach again.
        let log = try ledger()
        #expect(try partyBreaches(log, try #require(try log.caseIDs(prefix: "").first)).isEmpty)
    }

    @Test("the write path judges against the Network as it is now: a departure appended after an earlier act makes the State's next act a breach")
    func writePathSeesTheNetworkAsItIsNow() throws {
        let dir = try TestSupport.temporaryDirectory("write-network")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try EventLog.create(path: dir + "/L", name: ScenarioKeys.ledgerName, secretariat: .privateKey(ScenarioKeys.key(Codes.secretariat))).log
        var batch: [SignedEvent] = []
        try ScenarioGenerator(cases: 12).generate { batch.append($0) }
        _ = try log.append(batch)
        // A case with an assisting State, which acts in it.
        var found: (String, String)?
        for id in try log.caseIDs(prefix: "") {
            if let assisting = try Audit.replay(log, caseID: id)?.last?.stateAfter.assisting {
                found = (id, assisting)
                break
            }
        }
        let (caseID, state) = try #require(found)
        let service = WriteService(log: log)
        func act(_ day: String) throws -> [Breach] {
            let draft = Draft(
                type: EventType.protectionActionRecorded.name, caseID: caseID, occurred: try #require(Timestamp(parsing: day)),
                payload: ["kind": "consular_visit", "details": "a visit"])
            return try service.record(
                [.init(number: 1, draft: draft)], key: ScenarioKeys.key(state), keyFile: "key", source: nil, recordViolations: true
            ).recordedDespite.filter { $0.rule == RuleID.party.rawValue }
        }
        #expect(try act("2020-01-02").isEmpty)
        // The State leaves the Agreement; its next act in the case is not a Party's.
        let leaves = Envelope(
            id: .v7(), type: EventType.leftAgreement.name, caseID: nil, actor: state, occurred: try #require(Timestamp(parsing: "2020-02-01")),
            payload: ["effective": "2020-02-01"]
        ).signed(by: ScenarioKeys.key(state))
        _ = try log.append([leaves])
        #expect(try !act("2020-03-02").isEmpty, "the write path judged against the Network before the departure")
    }
}
