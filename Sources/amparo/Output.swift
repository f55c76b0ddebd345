import ArgumentParser
import Foundation
import Ledger
import Projections

enum Output {
    /// One line on stderr, exit status 2.
    static func fail(_ message: String) -> Never {
        let text = message.hasPrefix("amparo:") ? message : "amparo: " + message
        FileHandle.standardError.write(Data((text.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
        exit(2)
    }

    /// Runs `body`; an act refused by the Agreement's rules is one line on stderr and exit 1.
    static func refusingBreaches<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let refusal as Judge.Refusal {
            FileHandle.standardError.write(Data(("amparo: refused: " + refusal.message + "\n").utf8))
            throw ExitCode(1)
        }
    }

    /// A note on stderr that is not an error.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
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

    /// Left-aligned columns separated by two spaces.
    static func table(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// `--ledger DIR`, shared by every command.
struct LedgerOptions: ParsableArguments {
    init() {}

    @Option(name: .long, help: ArgumentHelp("The ledger directory (default: $AMPARO_LEDGER, else ./amparo-ledger).", valueName: "DIR"))
    var ledger: String?

    var path: String {
        if let ledger { return ledger }
        if let env = ProcessInfo.processInfo.environment["AMPARO_LEDGER"], !env.isEmpty { return env }
        return "./amparo-ledger"
    }

    func open() throws -> EventLog { try EventLog.open(path: path) }
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Reads a file, or stdin for "-"; errors say which file.
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: path) else {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            throw LedgerError(.io, isDir.boolValue ? "\(path) is a directory, not a file" : "cannot read \(path): permission denied")
        }
        throw LedgerError(.io, "cannot read \(path): no such file")
    }
    return Array(data)
}

/// Parses a time option: RFC 3339 or a bare date.
func parseTime(_ text: String, option: String) throws -> Timestamp {
    guard let t = Timestamp(parsing: text) else {
        throw ValidationError("\(option) \"\(text)\" is not a time such as 2015-11-09 or 2015-11-09T15:00:00Z")
    }
    return t
}
