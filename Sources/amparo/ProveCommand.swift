import ArgumentParser
import Foundation
import Ledger

/// The text forms of proofs that `amparo verify --proof` accepts.
enum ProofText {
    /// C2SP tlog-proof: an offline-verifiable inclusion proof with its checkpoint.
    static let inclusionHeader = "c2sp.org/tlog-proof@v1"
    /// Same layout for a consistency proof: the old size, the proof hashes, the new checkpoint.
    static let consistencyHeader = "amparo/tlog-consistency-proof@v1"

    static func inclusion(index: UInt64, hashes: [Hash32], checkpoint: SignedNote) -> String {
        ([inclusionHeader, "index \(index)"] + hashes.map(\.base64)).joined(separator: "\n") + "\n\n" + checkpoint.serialized
    }

    static func consistency(old: UInt64, hashes: [Hash32], checkpoint: SignedNote) -> String {
        ([consistencyHeader, "old \(old)"] + hashes.map(\.base64)).joined(separator: "\n") + "\n\n" + checkpoint.serialized
    }

    struct Parsed {
        let header: String
        let number: UInt64
        let hashes: [Hash32]
        let checkpointNote: String
    }

    static func parse(_ text: String) throws -> Parsed {
        guard let blank = text.range(of: "\n\n") else {
            throw LedgerError(.badProof, "not a proof: no blank line before the checkpoint")
        }
        var lines = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 2, [inclusionHeader, consistencyHeader].contains(lines[0]) else {
            throw LedgerError(.badProof, "not a proof: the first line must be \(inclusionHeader) or \(consistencyHeader)")
        }
        let header = lines.removeFirst()
        // C2SP tlog-proof: an optional "extra <base64>" line before the index (opaque,
        // application-specific data; checked for form, then ignored).
        if lines[0].hasPrefix("extra ") {
            guard [UInt8](base64: String(lines[0].dropFirst(6))) != nil else {
                throw LedgerError(.badProof, "malformed proof: the extra line is not base64")
            }
            lines.removeFirst()
        }
        let word = header == inclusionHeader ? "index" : "old"
        let fields = lines.first?.split(separator: " ", omittingEmptySubsequences: false) ?? []
        guard fields.count == 2, fields[0] == word, let number = UInt64(fields[1]), String(number) == fields[1] else {
            throw LedgerError(.badProof, "malformed proof: expected \"\(word) N\" after the first line")
        }
        var hashes: [Hash32] = []
        for (i, line) in lines.dropFirst(1).enumerated() {
            guard let h = [UInt8](base64: line), h.count == 32 else {
                throw LedgerError(.badProof, "malformed proof: hash \(i + 1) is not base64 of 32 bytes")
            }
            hashes.append(h)
        }
        guard hashes.count <= 64 else { throw LedgerError(.badProof, "malformed proof: \(hashes.count) hashes; a tree of 2^64 leaves needs at most 64") }
        return Parsed(header: header, number: number, hashes: hashes, checkpointNote: String(text[blank.upperBound...]))
    }
}

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print Merkle proofs (RFC 6962) with the node's signed checkpoint.", discussion: ExitStatus.group,
        subcommands: [Inclusion.self, Consistency.self]
    )

    /// The signed checkpoint of `size`: the current one, or one the node stored earlier.
    static func checkpoint(_ log: EventLog, size: UInt64?) throws -> (UInt64, SignedNote) {
        let current = try log.size()
        guard let size, size != current else { return (current, try log.checkpoint()) }
        guard size < current else { throw LedgerError(.usage, "the log has \(current) events; size \(size) is past its end") }
        guard let note = try log.storedCheckpoint(size: size) else {
            throw LedgerError(.usage, "the node signed no checkpoint at size \(size); omit --size/--to to prove against the current checkpoint")
        }
        return (size, note)
    }

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that the event at SEQ is in the log (C2SP tlog-proof; index = SEQ - 1).", discussion: ExitStatus.reading)
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The event's sequence number (from 1).")
        var seq: UInt64
        @Option(parsing: .unconditional, help: ArgumentHelp("Prove against the checkpoint of this size (default: current).", valueName: "N"))
        var size: UInt64?

        func run() throws {
            let log = try ledger.open()
            let (n, note) = try ProveCommand.checkpoint(log, size: size)
            let hashes = try log.inclusionProof(seq: seq, size: n)
            print(ProofText.inclusion(index: seq - 1, hashes: hashes, checkpoint: note), terminator: "")
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that the log of N events is a prefix of the log of M events.", discussion: ExitStatus.reading)
        @OptionGroup var ledger: LedgerOptions
        @Option(parsing: .unconditional, help: ArgumentHelp("The older tree size.", valueName: "N"))
        var from: UInt64
        @Option(parsing: .unconditional, help: ArgumentHelp("The newer tree size (default: current).", valueName: "M"))
        var to: UInt64?

        func run() throws {
            let log = try ledger.open()
            let (m, note) = try ProveCommand.checkpoint(log, size: to)
            let hashes = try log.consistencyProof(from: from, to: m)
            print(ProofText.consistency(old: from, hashes: hashes, checkpoint: note), terminator: "")
        }
    }
}
