import Agreement
import ArgumentParser
import Foundation
import Ledger
import Service

/// The `amparo` command of one row of the event catalog: `Row` is the row's index among the rows
/// that have a command (``commandRows``). Its name, flags, help and validation all come from that
/// row (Agreement/Catalog.swift): one table, no hand-written command per event type.
struct EventCommand<let Row: Int>: ParsableCommand {
    static var spec: EventSpec { commandRows[Row] }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: spec.command!.name,
            abstract: "\(spec.summary) Records \(spec.type) (\(spec.source)).",
            usage: usage,
            discussion: fieldHelp
        )
    }

    /// The usage line, with the payload's required flags and, in brackets, the optional ones.
    static var usage: String {
        var parts = ["amparo", spec.command!.group, spec.command!.name, "--key FILE"]
        if spec.isCaseEvent { parts.append(spec.type == .requestFiled ? "[--case ID]" : "--case ID") }
        parts.append("[--occurred TIME]")
        for f in spec.fields {
            let flag = flag(f) + placeholder(f.kind)
            parts.append(f.required && !madeWhenOmitted(f) ? flag : "[\(flag)]")
        }
        parts.append("[--id UUID] [--record-violations] [--confirm-far-date] [--ledger DIR]")
        return parts.joined(separator: " ")
    }

    /// A required field the command fills in when its flag is omitted: a scheduled meeting's id
    /// (from its date and city), a filed case's pseudonym (random), the fields an erasure of words
    /// names (every free-text field of the event).
    static func madeWhenOmitted(_ f: FieldSpec) -> Bool {
        (spec.type == .meetingScheduled && f.name == "meeting") || (spec.type == .requestFiled && f.name == "subject")
            || (spec.type == .redacted && f.name == "fields")
    }

    /// What a flag's value looks like in the usage line.
    static func placeholder(_ kind: FieldKind) -> String {
        switch kind {
        case .bool: " [true|false]"
        case .text, .words: " TEXT"
        case .choice, .word: " WORD"
        case .state, .country: " CC"
        case .actor: " CODE"
        case .date: " DATE"
        case .months: " MONTHS"
        case .amount: " AMOUNT"
        case .currency: " CUR"
        case .eventID: " ID|SEQ"
        case .meetingID: " MEETING"
        case .list: " LIST"
        case .offices: " CC[:CITIES]"
        case .object: " JSON"
        case .pseudonym: " PSEUDONYM"
        }
    }

    /// A write-path error about the draft in the terms of this command: the field it concerns is
    /// named by its flag (the error carries the field apart from its sentence).
    static func inFlags(_ error: LedgerError) -> LedgerError {
        guard error.wording != nil else { return error }
        return LedgerError(error.code, error.message(naming: { name in spec.field(name).map(flag) ?? flag(name) }), advice: error.advice)
    }

    static var fieldHelp: String {
        var lines = ["Payload fields, given as --name VALUE (docs/events.md has an example):"]
        for f in spec.fields {
            let flag = flag(f)
            let usage: String
            switch f.kind {
            case .bool: usage = "\(flag) [true|false]"
            case .offices: usage = "\(flag) CC[:City,City] (repeat for each country)"
            case .list: usage = "\(flag) VALUE (repeat, or separate with commas)"
            case .object: usage = "\(flag) JSON"
            default: usage = "\(flag) VALUE"
            }
            let hint = f.kind == .eventID ? "event id (UUID) or its sequence number" : f.kind.hint.replacingOccurrences(of: "|", with: ", ")
            lines.append("• \(usage)\(f.required ? "" : ", optional"): \(f.help)\(f.help == hint ? "" : " (\(hint))").")
        }
        if spec.isCaseEvent {
            lines.append(
                spec.type == .requestFiled
                    ? "Without --case, the next free id <your State>-<year>-<serial> is used."
                    : "--case names the case, e.g. MX-2015-0007 (or give the case id first, without --case).")
        }
        lines.append(
            "Prints the sequence number and, for a case, its new state in one line. " + ExitStatus.writing
        )
        return lines.joined(separator: "\n")
    }

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The signer's private key (PEM); the actor is whoever it is registered to.", valueName: "FILE"))
    var key: String

    // Shown only on a case's commands: a Network act takes no case.
    @Option(name: .customLong("case"), help: ArgumentHelp("The case id.", valueName: "ID", visibility: Self.spec.isCaseEvent ? .default : .private))
    var caseID: String?

    @Option(help: ArgumentHelp("When the act happened: RFC 3339 or a date (default: now).", valueName: "TIME"))
    var occurred: String?

    @Option(help: ArgumentHelp("The event id (UUID); give it to make re-running the command a no-op.", valueName: "UUID"))
    var id: String?

    @Flag(help: "Record the act even if it breaches the Agreement's rules (historic records); verify reports it.")
    var recordViolations = false

    @Flag(help: "Take a date before 2000 or more than two years from today (refused otherwise, as most likely a typo).")
    var confirmFarDate = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Payload fields, each --name VALUE: listed above.", valueName: "--field value"))
    var fields: [String] = []

    mutating func validate() throws {
        // The case id may come first, without --case: `amparo case redact MX-2015-0001 --event 35 …`.
        if Self.spec.isCaseEvent, caseID == nil, let first = fields.first, !first.hasPrefix("-"), CaseID(first) != nil {
            caseID = first
            fields.removeFirst()
        }
        if Self.spec.isCaseEvent && caseID == nil && Self.spec.type != .requestFiled {
            throw ValidationError("--case ID is required (e.g. --case MX-2015-0007)")
        }
        if !Self.spec.isCaseEvent && caseID != nil {
            throw ValidationError("\(Self.spec.name) is a network event: it takes no --case")
        }
        if let id, EventID(parsing: id) == nil { throw ValidationError("--id \"\(id)\" is not a UUID") }
    }

    func run() throws {
        let log = try ledger.open()
        let signingKey = try SigningKey.load(path: key, name: "signer")
        var payload = try Self.payload(from: fields)
        // An event id may be given as the event's sequence number (`log` shows both).
        for field in Self.spec.fields where field.kind == .eventID {
            guard let text = payload[field.name]?.stringValue, let seq = UInt64(text) else { continue }
            guard let stored = try log.event(at: seq) else {
                throw LedgerError(.notFound, Strings.noEventAt(seq, flag: Self.flag(field.name), size: try log.size()))
            }
            payload[field.name] = .string(stored.event.id.description)
        }
        if Self.spec.type == .requestFiled, payload["subject"] == nil { payload["subject"] = .string(Pseudonym.make()) }
        if Self.spec.type == .redacted, payload["fields"] == nil, let target = payload["event"]?.stringValue.flatMap(EventID.init(parsing:)),
            let seq = try log.seq(of: target), let stored = try log.event(at: seq)
        {
            payload["fields"] = .array(Catalog.wordsFields(of: stored.event.envelope.payload).map(JSONValue.string))
        }
        var rescheduled: String?
        if Self.spec.type == .meetingScheduled {
            // The id by default from the date and the city; rescheduling says what it replaces.
            if payload["meeting"] == nil, let date = payload["date"]?.stringValue, let city = payload["city"]?.stringValue {
                payload["meeting"] = .string(MeetingID.make(date: date, city: city))
            }
            if let id = payload["meeting"]?.stringValue,
                let earlier = try log.networkEvents().last(where: {
                    $0.event.envelope.type == Self.spec.name && $0.event.envelope.payload["meeting"]?.stringValue == id
                })
            {
                rescheduled = Strings.rescheduled(id, seq: earlier.seq)
            }
        }
        let when = try occurred.map { try parseTime($0, option: "--occurred") } ?? .now()
        let draft = Draft(id: id.flatMap(EventID.init(parsing:)), type: Self.spec.name, caseID: caseID, occurred: when, payload: payload)
        let outcome = try Output.refusingBreaches {
            do {
                return try WriteService(log: log, screenTerms: Privacy.screenTerms(ledger)).record(
                    [.init(number: 1, draft: draft)], key: signingKey, keyFile: key,
                    source: nil, recordViolations: recordViolations, confirmFarDates: confirmFarDate)
            } catch let error as LedgerError {
                throw Self.inFlags(error)
            }
        }
        Output.reportWrite(outcome)
        if occurred == nil { Output.note(Strings.datedNow(when)) }
        if let rescheduled { Output.note(rescheduled) }
        let event = outcome.events[0]
        let envelope = event.event.envelope
        // The confirmation: sequence, the act's date and time, then the case's new state.
        let head = "\(event.outcome.seq)  \(envelope.occurred)"
        if let caseID = envelope.caseID, let state = outcome.world.cases[caseID] {
            let next = state.obligations(network: outcome.world.network, now: .now()).first.map { "  next: \($0)" } ?? ""
            print("\(head)  \(state.summaryLine)\(next)")
        } else {
            let meeting = envelope.payload["meeting"]?.stringValue.map { ": meeting \($0)" } ?? ""
            print("\(head)  \(Self.spec.name) recorded by \(envelope.actor)\(meeting)")
        }
        // Later commands name this event by its id (or its sequence number).
        if Self.spec.type == .reimbursementClaimed { print(Strings.claimRecorded(id: event.event.id.description, seq: event.outcome.seq)) }
        if Self.spec.type == .redacted, let target = envelope.payload["event"]?.stringValue {
            let named = (envelope.payload["fields"]?.arrayValue ?? []).compactMap(\.stringValue)
            print(Strings.redacted(fields: named, event: target, seq: try EventID(parsing: target).flatMap { try log.seq(of: $0) }))
        }
    }

    /// The flag of payload field `name`: `--location-city`.
    static func flag(_ name: String) -> String { "--" + name.replacingOccurrences(of: "_", with: "-") }

    /// The flag of `field`: `--office` (repeated) for a list of offices, else ``flag(_:)``.
    static func flag(_ field: FieldSpec) -> String { field.kind == .offices ? "--office" : flag(field.name) }

    /// Turns `--field value` pairs into a payload, by the catalog row's field kinds.
    static func payload(from arguments: [String]) throws -> [String: JSONValue] {
        var payload: [String: JSONValue] = [:]
        var i = 0
        while i < arguments.count {
            var token = arguments[i]
            guard token.hasPrefix("--") else {
                throw ValidationError("unexpected \"\(token)\": payload fields are given as --name value")
            }
            var inlineValue: String?
            if let eq = token.firstIndex(of: "=") {
                inlineValue = String(token[token.index(after: eq)...])
                token = String(token[..<eq])
            }
            var name = token.dropFirst(2).replacingOccurrences(of: "-", with: "_")
            if name == "office", spec.field("offices") != nil { name = "offices" }  // --office, repeated
            if name == "field", spec.field("fields")?.kind == .list(.text) { name = "fields" }  // --field, repeated (case redact)
            guard let field = spec.field(name) else {
                let known = spec.fields.map { flag($0) }.joined(separator: ", ")
                throw ValidationError("unknown option \(token) for \(spec.name) (fields: \(known))")
            }
            var value: String
            if let inlineValue {
                value = inlineValue
            } else if case .bool = field.kind, i + 1 >= arguments.count || arguments[i + 1].hasPrefix("--") {
                value = "true"
            } else {
                guard i + 1 < arguments.count else { throw ValidationError("\(token) needs a value") }
                i += 1
                value = arguments[i]
            }
            i += 1
            switch field.kind {
            case .bool:
                guard let b = Bool(value) else { throw ValidationError("\(token) takes true or false, not \"\(value)\"") }
                payload[name] = .bool(b)
            case .months:
                // A number is written as one; anything else stays text, for the shape check to name.
                payload[name] = Int(value).map { .number(Double($0)) } ?? .string(value)
            case .list:
                let items = value.split(separator: ",").map { JSONValue.string($0.trimmingCharacters(in: .whitespaces)) }
                payload[name] = .array((payload[name]?.arrayValue ?? []) + items)
            case .offices:
                let parts = value.split(separator: ":", maxSplits: 1)
                var office: [String: JSONValue] = ["country": .string(String(parts[0]).trimmingCharacters(in: .whitespaces))]
                if parts.count == 2 {
                    office["cities"] = .array(parts[1].split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
                }
                payload[name] = .array((payload[name]?.arrayValue ?? []) + [.object(office)])
            case .object:
                do {
                    payload[name] = try JSONParser.parse(value)
                } catch {
                    throw ValidationError("\(token) takes a JSON object: \(error)")
                }
            default:
                payload[name] = .string(value)
            }
        }
        return payload
    }
}

/// The catalog rows that have a generic event command, in catalog order (`person erase` is its
/// own command: it destroys the vault entry before recording the erasure).
let commandRows = Catalog.specs.filter { $0.command != nil && $0.command?.group != "person" }

/// One command type per row of ``commandRows``, taken from a pool of generic slots: a row added to
/// the catalog gets its command with no edit here, until the catalog has more commands than slots
/// (a test checks there are enough, and that every row has exactly one).
let eventCommands: [any EventCommandProtocol.Type] = Array(commandSlots.prefix(commandRows.count))

/// The slots: `EventCommand<N>` reads row N of ``commandRows``.
let commandSlots: [any EventCommandProtocol.Type] = [
    EventCommand<0>.self, EventCommand<1>.self, EventCommand<2>.self, EventCommand<3>.self, EventCommand<4>.self,
    EventCommand<5>.self, EventCommand<6>.self, EventCommand<7>.self, EventCommand<8>.self, EventCommand<9>.self,
    EventCommand<10>.self, EventCommand<11>.self, EventCommand<12>.self, EventCommand<13>.self, EventCommand<14>.self,
    EventCommand<15>.self, EventCommand<16>.self, EventCommand<17>.self, EventCommand<18>.self, EventCommand<19>.self,
    EventCommand<20>.self, EventCommand<21>.self, EventCommand<22>.self, EventCommand<23>.self, EventCommand<24>.self,
    EventCommand<25>.self, EventCommand<26>.self, EventCommand<27>.self, EventCommand<28>.self, EventCommand<29>.self,
    EventCommand<30>.self, EventCommand<31>.self,
]

/// What the group commands need of an event command.
protocol EventCommandProtocol: ParsableCommand {
    static var spec: EventSpec { get }
}

extension EventCommand: EventCommandProtocol {}

/// The event commands of `group` ("case", "network", "meeting"), in catalog order.
func eventCommands(in group: String) -> [any ParsableCommand.Type] {
    eventCommands.filter { $0.spec.command?.group == group }
}

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Record the acts of a protection case, and show one.", discussion: ExitStatus.group,
        subcommands: eventCommands(in: "case") + [CaseShowCommand.self]
    )
}

struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Record the Network's facts: entry into force, Parties, consular networks, focal points.", discussion: ExitStatus.group,
        subcommands: eventCommands(in: "network")
    )
}

struct MeetingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting",
        abstract: "Schedule and record meetings of the Liaison Officer Network, and list them.", discussion: ExitStatus.group,
        subcommands: eventCommands(in: "meeting") + [MeetingListCommand.self]
    )
}
