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
            (breaches recorded; `amparo verify` reports them). The scenario's keys are written to \
            DIR/test-keys/<actor>.pem so commands can be tried on the demo ledger: they are TEST-ONLY \
            (derived from a public phrase) and must never be registered on a real node.
            """ + " " + ExitStatus.making)

    @Option(help: ArgumentHelp("The demo ledger directory (replaced on each run).", valueName: "DIR"))
    var ledger: String = "./amparo-demo"

    @Option(parsing: .unconditional, help: "How many cases to generate.")
    var cases: Int = 40

    @Flag(help: "No progress bar.") var quiet = false

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
        do {
            try make()
        } catch {
            // A demo that could not be finished (a full disk) leaves nothing behind.
            try? FileManager.default.removeItem(atPath: ledger)
            throw error
        }
    }

    func make() throws {
        let secretariat = ScenarioKeys.key(Codes.secretariat)
        let log = try EventLog.create(path: ledger, name: ScenarioKeys.ledgerName, secretariat: .privateKey(secretariat)).log
        var batch: [SignedEvent] = []
        var words: [WordsPart] = []
        var total = 0
        // The generator does not say in advance how many events it makes: about 12 per case.
        let estimate = UInt64(cases * 12 + 100)
        let bar = ProgressBar("generating and appending", quiet: quiet)
        let expected = try ScenarioGenerator(cases: cases).generateWithWords({ event, parts in
            batch.append(event)
            words += parts
            if batch.count == 1000 {
                _ = try log.append(batch, words: words)
                total += batch.count
                batch.removeAll(keepingCapacity: true)
                words.removeAll(keepingCapacity: true)
                bar.update(min(UInt64(total), estimate - 1), estimate)
            }
        })
        _ = try log.append(batch, words: words)
        total += batch.count
        bar.update(UInt64(total), UInt64(total))
        // The test-only keys, for trying commands on the demo ledger (never for real use).
        let keys = ledger + "/test-keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        for actor in Codes.memberStates + [Codes.secretariat, Codes.iom] {
            try KeyFile.create(path: "\(keys)/\(actor).pem", text: ScenarioKeys.key(actor).pem)
        }
        let caseCount = Set(try log.caseIDs(prefix: "").filter { !$0.isEmpty }).count
        try ProjectionStore(log: log).catchUp(progress: ProgressBar("building projections", quiet: quiet).update)
        print("demo ledger \(ledger): \(total + 1) events, \(caseCount) cases, \(expected.count) planted breaches; TEST-ONLY keys in \(keys)")
    }
}
