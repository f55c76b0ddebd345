import Agreement
import ArgumentParser
import Foundation
import Ledger
import Projections
import Reports
import Service

struct CaseShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a case: status, parties, every event in order, open obligations.",
        discussion:
            "Its breaches of the Agreement come from folding this case with the Network's facts; `amparo verify --case ID` also checks integrity and signatures over the whole log."
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var selection: CaseSelection
    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text

    func validate() throws { _ = try selection.required() }

    func run() throws {
        let caseID = try selection.required()
        let log = try ledger.open()
        guard let view = try Audit.caseView(log, caseID: caseID) else {
            throw LedgerError(.notFound, "no case \(caseID) in this ledger (`amparo cases` lists them)")
        }
        let s = view.state
        let obligations = s.obligations(network: view.network, now: .now())
        let breaches = view.breaches
        switch format {
        case .json:
            func opt(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }
            Output.printJSON(
                .object([
                    "case": .string(s.id), "status": .string(s.status.rawValue), "requesting": .string(s.requesting),
                    "assisting": opt(s.assisting), "location_country": opt(s.locationCountry), "location_city": opt(s.locationCity),
                    "category": opt(s.category), "outcome": opt(s.outcome), "filed": opt(s.filed?.description),
                    "concluded": opt(s.concluded?.description),
                    "events": .array(
                        view.facts.map { f in
                            .object([
                                "seq": f.seq.map { .number(Double($0)) } ?? .null, "id": .string(f.id.description), "type": .string(f.type),
                                "actor": .string(f.actor), "occurred": .string(f.occurred.description), "payload": .object(f.payload),
                                "as_signed": f.original.map { .object(["occurred": .string($0.occurred.description), "payload": .object($0.payload)]) }
                                    ?? .null,
                            ])
                        }),
                    "obligations": .array(obligations.map(JSONValue.string)),
                    "breaches": .array(breaches.map(\.json)),
                ]))
        case .text:
            print("case \(s.id): \(s.status.rawValue)")
            print("  requesting State: \(Codes.name(s.requesting)) (\(s.requesting))")
            if let a = s.assisting { print("  assisting State:  \(Codes.name(a)) (\(a))") }
            if let c = s.locationCountry { print("  migrant in:       \(s.locationCity.map { "\($0), " } ?? "")\(Codes.name(c)) (\(c))") }
            if let c = s.category { print("  category:         \(c)") }
            if let o = s.outcome { print("  outcome:          \(o)") }
            print("events:")
            var rows: [[String]] = []
            for f in view.facts {
                rows.append(["  " + (f.seq.map(String.init) ?? "-"), f.occurred.date, f.actor, f.type + (f.original == nil ? "" : " (corrected)")])
            }
            print(Render.text(rows, numbers: false), terminator: "")
            print("open obligations:" + (obligations.isEmpty ? " none" : ""))
            for o in obligations { print("  - \(o)") }
            print("breaches of the Agreement:" + (breaches.isEmpty ? " none" : ""))
            for b in breaches { print("  - \(b.rule) (seq \(b.seq.map(String.init) ?? "-")): \(b.message)") }
        }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Walk a case as an auditor: each event, its signer, the state after it, the rules checked, breaches marked."
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var selection: CaseSelection
    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text

    func validate() throws { _ = try selection.required() }

    func run() throws {
        let caseID = try selection.required()
        let log = try ledger.open()
        guard let steps = try Audit.replay(log, caseID: caseID) else {
            throw LedgerError(.notFound, "no case \(caseID) in this ledger (`amparo cases` lists them)")
        }
        switch format {
        case .json:
            Output.printJSON(
                .array(
                    steps.map { step in
                        .object([
                            "seq": step.fact.seq.map { .number(Double($0)) } ?? .null, "id": .string(step.fact.id.description),
                            "type": .string(step.fact.type), "actor": .string(step.fact.actor), "signer": .string(step.signer),
                            "occurred": .string(step.fact.occurred.description), "status_after": .string(step.stateAfter.status.rawValue),
                            "rules_checked": .array(step.checked.map(JSONValue.string)), "breaches": .array(step.breaches.map(\.json)),
                            "as_signed": step.fact.original.map { .object(["occurred": .string($0.occurred.description), "payload": .object($0.payload)]) }
                                ?? .null,
                            "corrected_by": .array(step.fact.correctedBy.map { .string($0.description) }),
                        ])
                    }))
        case .text:
            print(
                "replay of case \(caseID): \(steps.count) events in the order the acts happened; every event checked against \(steps.first?.checked.count ?? 0) rules (\(steps.first?.checked.joined(separator: ", ") ?? ""))"
            )
            for step in steps {
                let f = step.fact
                let mark = step.breaches.isEmpty ? "ok" : "BREACH"
                print(
                    "\(mark.padding(toLength: 6, withPad: " ", startingAt: 0)) seq \(f.seq.map(String.init) ?? "-")  \(f.occurred.date)  \(f.type)  by \(f.actor), signed \(step.signer)"
                )
                if let original = f.original { print("       corrected by \(Self.corrections(of: f, original: original, in: steps))") }
                print("       after: \(step.stateAfter.summaryLine)")
                for b in step.breaches { print("       \(b.rule): \(b.message)") }
            }
            let total = steps.reduce(0) { $0 + $1.breaches.count }
            print(total == 0 ? "no breaches" : "\(total) breach\(total == 1 ? "" : "es")")
        }
    }

    /// "seq 9: occurred 2026-11-23T10:00:00Z → 2026-11-20T10:00:00Z": what the corrections
    /// changed, the value as signed first.
    static func corrections(of f: Fact, original: (occurred: Timestamp, payload: [String: JSONValue]), in steps: [Audit.ReplayStep]) -> String {
        let by = f.correctedBy.map { id in steps.first { $0.fact.id == id }?.fact.seq.map { "seq \($0)" } ?? id.description }
        var changes: [String] = []
        if original.occurred != f.occurred { changes.append("occurred \(original.occurred) → \(f.occurred)") }
        for key in f.payload.keys.sorted() where original.payload[key] != f.payload[key] {
            let text = { (v: JSONValue?) in v.map { String(decoding: CanonicalJSON.encode($0), as: UTF8.self) } ?? "(none)" }
            changes.append("\(key) \(text(original.payload[key])) → \(text(f.payload[key]))")
        }
        return "\(by.joined(separator: ", ")): \(changes.isEmpty ? "no change" : changes.joined(separator: "; "))"
    }
}
