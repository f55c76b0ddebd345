import Agreement
import ArgumentParser
import Foundation
import L10n
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
            + " " + ExitStatus.reading)

    @OptionGroup var reading: CaseReading
    var format: TextOrJSON { reading.format }
    var language: LanguageOption { reading.language }

    func run() throws {
        let (caseID, log, t) = try reading.open()
        guard let view = try Audit.caseView(log, caseID: caseID) else { throw CaseReading.noCase(caseID) }
        let s = view.state
        let obligations = s.obligations(network: view.network, now: .now(), language: format == .json ? .en : language.language)
        let breaches = view.breaches
        let held = try log.words(ofPayloads: view.facts.map(\.payload))
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
                                "words": Words.view(of: f.payload, held) ?? .null,
                            ])
                        }),
                    "obligations": .array(obligations.map(JSONValue.string)),
                    "breaches": .array(breaches.map(\.json)),
                ]))
        case .text:
            let es = t.language != .en
            print(t("show.heading", ["id": s.id, "status": es ? t("status." + s.status.rawValue) : s.status.rawValue]))
            print(t("show.requesting", ["name": t.name(s.requesting), "code": s.requesting]))
            if let a = s.assisting { print(t("show.assisting", ["name": t.name(a), "code": a])) }
            if let c = s.locationCountry {
                print(t("show.location", ["place": "\(s.locationCity.map { "\($0), " } ?? "")\(t.name(c)) (\(c))"]))
            }
            if let c = s.category { print(t("show.category", ["category": es ? t("category." + c) : c])) }
            if let o = s.outcome { print(t("show.outcome", ["outcome": es ? t.outcome(o) : o])) }
            print(t("show.events"))
            var rows: [[String]] = []
            for f in view.facts {
                rows.append(["  " + (f.seq.map(String.init) ?? "-"), f.occurred.date, f.actor, f.type + (f.original == nil ? "" : t("show.corrected"))])
                for line in Output.wordsLines(f.payload, held, t) { rows.append(["", "", "", "  " + line]) }
            }
            print(Render.text(rows, numbers: false), terminator: "")
            print(t("show.obligations") + (obligations.isEmpty ? t("show.obligations.none") : ""))
            for o in obligations { print("  - \(o)") }
            print(t("show.breaches") + (breaches.isEmpty ? t("show.breaches.none") : ""))
            for b in breaches { print("  - \(b.rule) (seq \(b.seq.map(String.init) ?? "-")): \(t.breach(b))") }
        }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Walk a case as an auditor: each event, its signer, the state after it, the rules checked, breaches marked.", discussion: ExitStatus.reading)

    @OptionGroup var reading: CaseReading
    var format: TextOrJSON { reading.format }

    func run() throws {
        let (caseID, log, t) = try reading.open()
        guard let steps = try Audit.replay(log, caseID: caseID) else { throw CaseReading.noCase(caseID) }
        switch format {
        case .json:
            Output.printJSON(.array(steps.map(\.json)))
        case .text:
            print(
                t(
                    "replay.heading",
                    [
                        "id": caseID, "events": t.count(steps.count, "count.event"), "rules": t.count(steps.first?.checked.count ?? 0, "count.rule"),
                        "list": steps.first?.checked.joined(separator: ", ") ?? "",
                    ]))
            let width = max(t("replay.ok").count, t("replay.breach").count)
            let indent = String(repeating: " ", count: width + 1)
            for step in steps {
                let f = step.fact
                let mark = t(step.breaches.isEmpty ? "replay.ok" : "replay.breach")
                let line = t(
                    "replay.step",
                    ["seq": f.seq.map(String.init) ?? "-", "date": f.occurred.date, "type": f.type, "actor": f.actor, "signer": step.signer])
                print("\(mark.padding(toLength: width, withPad: " ", startingAt: 0)) \(line)")
                if let original = f.original {
                    print(indent + t("replay.corrected", ["changes": Self.corrections(of: f, original: original, in: steps)]))
                }
                for line in Output.wordsLines(f.payload, step.words, t) { print(indent + line) }
                print(indent + t("replay.after", ["summary": t.summaryLine(step.stateAfter)]))
                for b in step.breaches { print("\(indent)\(b.rule): \(t.breach(b))") }
                if let p = step.pending { print("\(indent)\(t("replay.pending")): \(p.sentence(t))") }
            }
            let total = steps.reduce(0) { $0 + $1.breaches.count }
            print(total == 0 ? t("replay.none") : t.count(total, "replay.count"))
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

/// What `case show` and `replay` read: the ledger, the case, the format and the language.
struct CaseReading: ParsableArguments {
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var selection: CaseSelection
    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text
    @OptionGroup var language: LanguageOption

    func validate() throws { _ = try selection.required() }

    /// The case asked for, the ledger open, and the reader's language.
    func open() throws -> (caseID: String, log: EventLog, t: Localizer) {
        (try selection.required(), try ledger.open(), language.t)
    }

    static func noCase(_ caseID: String) -> LedgerError {
        LedgerError(.notFound, "no case \(caseID) in this ledger (`amparo cases` lists them)")
    }
}
