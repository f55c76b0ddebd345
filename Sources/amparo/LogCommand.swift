import ArgumentParser
import Ledger
import Reports

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the events in log order.",
        discussion:
            "JSON output is an array of the signed events, each with this node's \"seq\" and \"recorded\" time added, and, for an event with free text, \"words\": each free-text field's words as this node holds them, null where they are erased (the signed payload holds only their commitments)."
            + " " + ExitStatus.reading)

    @OptionGroup var ledger: LedgerOptions

    /// Only this case (its breaches for `verify`, which still checks the whole log; its events for `log`).
    @OptionGroup var selection: CaseSelection
    var caseID: String? { selection.id }

    @Option(parsing: .unconditional, help: ArgumentHelp("Start at this sequence number.", valueName: "SEQ"))
    var from: UInt64 = 1

    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text

    func run() throws {
        let log = try ledger.open()
        var events: [StoredEvent] = []
        if let caseID {
            events = try log.events(inCase: caseID).filter { $0.seq >= from }
        } else {
            try log.forEach(from: from) {
                events.append($0)
                return true
            }
        }
        switch format {
        case .json:
            let held = try log.words(ofPayloads: events.map(\.event.envelope.payload))
            let items: [JSONValue] = events.map { stored in
                guard case .object(var o) = stored.event.json else { return .null }
                o["seq"] = .number(Double(stored.seq))
                o["recorded"] = .string(stored.recorded.description)
                if let words = Words.view(of: stored.event.envelope.payload, held) { o["words"] = words }
                return .object(o)
            }
            Output.printJSON(.array(items))
        case .text:
            var rows = [["SEQ", "OCCURRED", "ACTOR", "TYPE", "CASE", "ID"]]
            for s in events {
                let e = s.event.envelope
                rows.append([String(s.seq), e.occurred.description, e.actor, e.type, e.caseID ?? "-", e.id.description])
            }
            print(Render.text(rows, numbers: false), terminator: "")
        }
    }
}
