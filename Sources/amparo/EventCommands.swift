import Agreement
import ArgumentParser
import Foundation
import Ledger
import Projections

/// An event type with its own `amparo` command. The command's flags, help and validation all
/// come from the catalog's row for that type (Agreement/Catalog.swift): one table, no hand-written
/// command per event.
protocol EventCommandType {
    static var type: String { get }
}

struct EventCommand<T: EventCommandType>: ParsableCommand {
    static var spec: EventSpec { Catalog.spec(T.type)! }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: spec.command!.name,
            abstract: "\(spec.summary) Records \(spec.type) (\(spec.source)).",
            discussion: fieldHelp
        )
    }

    static var fieldHelp: String {
        var lines = ["Payload fields, given as --name VALUE (docs/events.md has an example):"]
        for f in spec.fields {
            let flag = f.kind == .offices ? "--office" : "--" + f.name.replacingOccurrences(of: "_", with: "-")
            let usage: String
            switch f.kind {
            case .bool: usage = "\(flag) [true|false]"
            case .offices: usage = "\(flag) CC[:City,City] (repeat for each country)"
            case .list: usage = "\(flag) VALUE (repeat, or separate with commas)"
            case .object: usage = "\(flag) JSON"
            default: usage = "\(flag) VALUE"
            }
            let hint = f.kind.hint.replacingOccurrences(of: "|", with: ", ")
            lines.append("• \(usage)\(f.required ? "" : ", optional"): \(f.help) (\(hint)).")
        }
        if spec.isCaseEvent {
            lines.append(spec.type == "case.request_filed"
                ? "Without --case, the next free id <your State>-<year>-<serial> is used."
                : "--case names the case, e.g. MX-2015-0007.")
        }
        lines.append("Prints the sequence number and, for a case, its new state in one line. Exit status 1 when the act breaches the Agreement (nothing is written) unless --record-violations.")
        return lines.joined(separator: "\n")
    }

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The signer's private key (PEM); the actor is whoever it is registered to.", valueName: "FILE"))
    var key: String

    @Option(name: .customLong("case"), help: ArgumentHelp("The case id.", valueName: "ID"))
    var caseID: String?

    @Option(help: ArgumentHelp("When the act happened: RFC 3339 or a date (default: now).", valueName: "TIME"))
    var occurred: String?

    @Option(help: ArgumentHelp("The event id (UUID); give it to make re-running the command a no-op.", valueName: "UUID"))
    var id: String?

    @Flag(help: "Record the act even if it breaches the Agreement's rules (historic records); verify reports it.")
    var recordViolations = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Payload fields: see below.", valueName: "--field value"))
    var fields: [String] = []

    func validate() throws {
        if Self.spec.isCaseEvent && caseID == nil && Self.spec.type != "case.request_filed" {
            throw ValidationError("--case ID is required (e.g. --case MX-2015-0007)")
        }
        if !Self.spec.isCaseEvent && caseID != nil {
            throw ValidationError("\(Self.spec.type) is a network event: it takes no --case")
        }
        if let id, EventID(parsing: id) == nil { throw ValidationError("--id \"\(id)\" is not a UUID") }
    }

    func run() throws {
        let log = try ledger.open()
        let signingKey = try SigningKey.load(path: key, name: "signer")
        let payload = try Self.payload(from: fields)
        let when = try occurred.map { try parseTime($0, option: "--occurred") } ?? .now()
        var caseID = self.caseID
        if Self.spec.type == "case.request_filed" && caseID == nil {
            guard let actor = try log.keyRegistry(verifySignatures: false).binding(forPublicKey: signingKey.verifierKey.publicKey)?.actor else {
                throw LedgerError(.unregisteredKey, "the key in \(key) is not registered in this ledger")
            }
            let prefix = "\(actor)-\(when.date.prefix(4))-"
            let last = try log.caseIDs(prefix: prefix).compactMap { CaseID($0)?.serial }.max() ?? 0
            caseID = prefix + String(format: "%04d", last + 1)
        }
        let draft = Draft(id: id.flatMap(EventID.init(parsing:)), type: Self.spec.type, caseID: caseID, occurred: when, payload: payload)
        let result = try Output.refusingBreaches {
            try Recorder(log: log).record([.init(number: 1, draft: draft)], key: signingKey, keyFile: key,
                                          check: Judge.writeCheck(log: log, source: nil, recordViolations: recordViolations, warn: { Output.note("amparo: " + $0) }))
        }
        let seq = result[0].outcome.seq
        catchUpAfterAppend(log)
        if let caseID, let view = try Judge.caseView(log, caseID: caseID) {
            let next = view.state.obligations(network: view.network, now: .now()).first.map { "  next: \($0)" } ?? ""
            print("\(seq)  \(view.state.summaryLine)\(next)")
        } else {
            print("\(seq)  \(Self.spec.type) recorded by \(result[0].event.envelope.actor)")
        }
    }

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
            guard let field = spec.field(name) else {
                let known = spec.fields.map { "--" + $0.name.replacingOccurrences(of: "_", with: "-") }.joined(separator: ", ")
                throw ValidationError("unknown option \(token) for \(spec.type) (fields: \(known))")
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

// One tiny type per command, naming its row of the catalog.
enum FileCase: EventCommandType { static let type = "case.request_filed" }
enum NotifyCase: EventCommandType { static let type = "case.secretariat_notified" }
enum CirculateCase: EventCommandType { static let type = "case.circulated" }
enum OfferCase: EventCommandType { static let type = "case.collaboration_offered" }
enum DeclineCase: EventCommandType { static let type = "case.collaboration_declined" }
enum SelectCase: EventCommandType { static let type = "case.assisting_state_selected" }
enum RequestCase: EventCommandType { static let type = "case.formal_request_sent" }
enum AgreeCase: EventCommandType { static let type = "case.scope_agreed" }
enum ActCase: EventCommandType { static let type = "case.protection_action_recorded" }
enum CostCase: EventCommandType { static let type = "case.cost_recorded" }
enum ClaimCase: EventCommandType { static let type = "case.reimbursement_claimed" }
enum ReimburseCase: EventCommandType { static let type = "case.reimbursed" }
enum ConcludeCase: EventCommandType { static let type = "case.concluded" }
enum WithdrawCase: EventCommandType { static let type = "case.withdrawn" }
enum PresentCase: EventCommandType { static let type = "case.presented_at_meeting" }
enum EraseCase: EventCommandType { static let type = "case.personal_data_erased" }
enum CorrectCase: EventCommandType { static let type = "case.corrected" }
enum InForce: EventCommandType { static let type = "agreement.entered_into_force" }
enum Join: EventCommandType { static let type = "state.joined_agreement" }
enum Leave: EventCommandType { static let type = "state.left_agreement" }
enum DeclareOffices: EventCommandType { static let type = "state.consular_network_declared" }
enum FocalPoint: EventCommandType { static let type = "state.focal_point_designated" }
enum Schedule: EventCommandType { static let type = "meeting.scheduled" }
enum Held: EventCommandType { static let type = "meeting.held" }

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Record the acts of a protection case, and show one.",
        subcommands: [
            EventCommand<FileCase>.self, EventCommand<NotifyCase>.self, EventCommand<CirculateCase>.self,
            EventCommand<OfferCase>.self, EventCommand<DeclineCase>.self, EventCommand<SelectCase>.self,
            EventCommand<RequestCase>.self, EventCommand<AgreeCase>.self, EventCommand<ActCase>.self,
            EventCommand<CostCase>.self, EventCommand<ClaimCase>.self, EventCommand<ReimburseCase>.self,
            EventCommand<ConcludeCase>.self, EventCommand<WithdrawCase>.self, EventCommand<PresentCase>.self,
            EventCommand<EraseCase>.self, EventCommand<CorrectCase>.self, CaseShowCommand.self,
        ]
    )
}

struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Record the Network's facts: entry into force, Parties, consular networks, focal points.",
        subcommands: [EventCommand<InForce>.self, EventCommand<Join>.self, EventCommand<Leave>.self,
                      EventCommand<DeclareOffices>.self, EventCommand<FocalPoint>.self]
    )
}

struct MeetingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting",
        abstract: "Schedule and record meetings of the Liaison Officer Network.",
        subcommands: [EventCommand<Schedule>.self, EventCommand<Held>.self]
    )
}
