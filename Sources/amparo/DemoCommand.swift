import Agreement
import ArgumentParser
import Foundation
import Ledger
import Projections
import Scenario

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build the demo ledger from the scenario (test-only keys), replacing it.",
        discussion: """
            The scenario: the 11 Member States with their dates, consular networks and focal points; \
            the Network's meetings (Managua 2014-11-24, Mexico City 2015-11-09, then twice a year); \
            and N protection cases across categories, outcomes and States, some with a planted \
            breach of the Agreement. Events are recorded as a migration of historic records would be \
            (breaches recorded; `amparo verify` reports them). Keys are TEST-ONLY.
            """
    )

    @Option(help: ArgumentHelp("The demo ledger directory (replaced on each run).", valueName: "DIR"))
    var ledger: String = "./amparo-demo"

    @Option(help: "How many cases to generate.")
    var cases: Int = 40

    func validate() throws {
        guard cases >= 1 else { throw ValidationError("--cases must be at least 1") }
    }

    func run() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: ledger) {
            let contents = (try? fm.contentsOfDirectory(atPath: ledger)) ?? []
            guard contents.isEmpty || contents.contains("data.mdb") else {
                throw LedgerError(.io, "\(ledger) exists and is not a ledger; the demo replaces its directory, so choose another --ledger")
            }
            try fm.removeItem(atPath: ledger)
        }
        let secretariat = ScenarioKeys.key(Codes.secretariat)
        let log = try EventLog.create(path: ledger, name: ScenarioKeys.ledgerName, secretariat: .privateKey(secretariat)).log
        var batch: [SignedEvent] = []
        var total = 0
        let expected = try ScenarioGenerator(cases: cases).generate { event in
            batch.append(event)
            if batch.count == 1000 {
                _ = try log.append(batch)
                total += batch.count
                batch.removeAll(keepingCapacity: true)
            }
        }
        _ = try log.append(batch)
        total += batch.count
        let caseCount = Set(try log.caseIDs(prefix: "").filter { !$0.isEmpty }).count
        try ProjectionStore(log: log).catchUp()
        print("demo ledger \(ledger): \(total + 1) events, \(caseCount) cases, \(expected.count) planted breaches (keys are TEST-ONLY)")
    }
}
