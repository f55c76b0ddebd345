import Agreement
import ArgumentParser
import Foundation
import L10n
import Ledger
import Projections
import Service

/// Everything amparo prints goes through here: text that came from any input (a bundle, a draft,
/// a file name) is escaped first, so it cannot drive the terminal (ESC sequences, carriage
/// returns, bidirectional overrides).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator) + terminator
    Output.writeAll(1, Output.terminalSafe(text, keepNewlines: true))
}

enum Output {
    /// One line on stderr, then exit: status 2 (usage, input, I/O) unless told otherwise.
    static func fail(_ message: String, status: Int32 = 2) -> Never {
        let text = message.hasPrefix("amparo:") ? message : "amparo: " + message
        writeAll(2, terminalSafe(text, keepNewlines: false) + "\n")
        exit(status)
    }

    /// Runs `body`; an act refused by the Agreement's rules is one line on stderr and exit 1.
    static func refusingBreaches<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let refusal as Refusal {
            fail("refused: " + refusal.message, status: 1)
        }
    }

    /// The notes of a write on stderr: breaches recorded anyway, and projections left behind.
    static func reportWrite(_ outcome: WriteService.Outcome) {
        for b in outcome.recordedDespite { note("amparo: recorded despite \(b.rule): \(b.message)") }
        for b in outcome.omissions { note(Strings.omission(b)) }
        for p in outcome.pending { note(Strings.pending(p)) }
        if let problem = outcome.catchUpProblem { note(Strings.catchUpFailed(problem)) }
    }

    /// An act's free text, one line a field (its label in the language): `summary: the words`, or `summary: [erased]` where
    /// this node holds no words for it; each line terminal-safe (its line breaks shown as spaces).
    static func wordsLines(_ payload: [String: JSONValue], _ held: [String: String], _ t: Localizer) -> [String] {
        Words.commitments(in: payload).map { path, commitment in
            "\(t.field(path)): " + (held[commitment].map { TerminalText.safe($0, keepNewlines: false) } ?? t("words.erased"))
        }
    }

    /// As ``wordsLines(_:_:_:)``, from the words a replay step carries (``Words/view(of:_:)``).
    static func wordsLines(_ payload: [String: JSONValue], _ view: JSONValue?, _ t: Localizer) -> [String] {
        var held: [String: String] = [:]
        for (path, commitment) in Words.commitments(in: payload) {
            if let text = view?.objectValue?[path]?.stringValue { held[commitment] = text }
        }
        return wordsLines(payload, held, t)
    }

    /// A note on stderr that is not an error; `oneLine`: newlines inside it (text a peer sent,
    /// say) become spaces, so that it stays one line.
    static func note(_ message: String, oneLine: Bool = false) {
        writeAll(2, terminalSafe(message, keepNewlines: !oneLine) + "\n")
    }

    /// `text` made safe for a terminal (``TerminalText/safe(_:keepNewlines:)``).
    static func terminalSafe(_ text: String, keepNewlines: Bool) -> String { TerminalText.safe(text, keepNewlines: keepNewlines) }

    /// Writes every byte to a file descriptor; a closed pipe or full disk ends the output quietly
    /// (the exit status still tells).
    static func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Compact JSON (RFC 8785 form) and a newline on stdout.
    static func printJSON(_ value: JSONValue) {
        print(CanonicalJSON.string(value))
    }

    /// The subcommand words on the command line, for "see `amparo keys new --help`".
    static func commandPath() -> String {
        var path = ""
        var node: any ParsableCommand.Type = Amparo.self
        for arg in CommandLine.arguments.dropFirst() {
            guard let sub = node.configuration.subcommands.first(where: { $0._commandName == arg }) else { break }
            path += arg + " "
            node = sub
        }
        return path
    }
}

/// `--lang es|en`: the language of the text a command prints (docs/i18n.md).
struct LanguageOption: ParsableArguments {
    init() {}

    @Option(
        name: .customLong("lang"),
        help: ArgumentHelp("The language of the text: es or en (default: from LC_ALL, LC_MESSAGES or LANG; else en).", valueName: "es|en"))
    var code: String?

    func validate() throws {
        if let code, Language(rawValue: code) == nil { throw ValidationError("--lang \(code) is not es or en") }
    }

    var language: Language { code.flatMap(Language.init(rawValue:)) ?? Language.fromEnvironment(ProcessInfo.processInfo.environment) }
    var t: Localizer { Localizer(language) }
}

/// `--ledger DIR`, shared by every command.
struct LedgerOptions: ParsableArguments {
    init() {}

    @Option(name: .long, help: ArgumentHelp("The ledger directory (default: $AMPARO_LEDGER, else ./amparo-ledger).", valueName: "DIR"))
    var ledger: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The node's checkpoint-signing key (default: the one recorded at init; node.key in the ledger directory).", valueName: "FILE"))
    var nodeKey: String?

    var path: String { LedgerOptions.path(ledger) }

    /// `--ledger`, else $AMPARO_LEDGER, else ./amparo-ledger.
    static func path(_ ledger: String?) -> String {
        if let ledger { return ledger }
        if let env = ProcessInfo.processInfo.environment["AMPARO_LEDGER"], !env.isEmpty { return env }
        return "./amparo-ledger"
    }

    func open() throws -> EventLog {
        let log = try EventLog.open(path: path, nodeKeyPath: nodeKey)
        if log.readsPrivateCopy { Output.note(Strings.readsPrivateCopy(path), oneLine: true) }
        return log
    }
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Reads a file, or stdin for "-", up to ``FileIO/maximumInput`` bytes; errors say which file.
func readInput(_ path: String) throws -> [UInt8] {
    try FileIO.read(path)
}

/// Parses a time option: RFC 3339 or a bare date.
func parseTime(_ text: String, option: String) throws -> Timestamp {
    guard let t = Timestamp(parsing: text) else {
        throw ValidationError("\(option) \"\(text)\" is not a time such as 2015-11-09 or 2015-11-09T15:00:00Z")
    }
    return t
}

/// Refuses a time option before 2000 or more than two years after `today` unless `confirmed`
/// (``Catalog/farDateReason(_:today:)``): most likely a typo.
func refuseFarDate(_ time: Timestamp, option: String, today: Timestamp, confirmed: Bool) throws {
    guard !confirmed, let reason = Catalog.farDateReason(time.date, today: today) else { return }
    throw LedgerError(.badDraft, option + Catalog.farDateSentence(time.date, reason) + "; nothing was written")
}

/// A case id, given either way: `amparo case show MX-2015-0001` or `--case MX-2015-0001`, the same
/// for `case show`, `replay`, `verify` and `log`.
struct CaseSelection: ParsableArguments {
    init() {}

    @Argument(help: ArgumentHelp("The case id, e.g. MX-2015-0001 (or --case ID).", valueName: "ID"))
    var positional: String?

    @Option(name: .customLong("case"), help: ArgumentHelp("The case id (or give it without --case).", valueName: "ID"))
    var flag: String?

    /// The case id, if any.
    var id: String? { flag ?? positional }

    func validate() throws {
        if let positional, let flag, positional != flag {
            throw ValidationError("two case ids, \(positional) and --case \(flag): give one")
        }
    }

    /// The case id, for the commands that need one.
    func required() throws -> String {
        guard let id else { throw ValidationError("give the case id, e.g. MX-2015-0001 (or --case MX-2015-0001)") }
        if let meant = CaseID.meant(id) { throw ValidationError("\"\(id)\" is not a case id: case ids are upper case, without spaces; did you mean \(meant)?") }
        return id
    }
}
