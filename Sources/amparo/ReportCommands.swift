import Agreement
import ArgumentParser
import Foundation
import L10n
import Ledger
import Projections
import Reports
import Service

/// A progress bar on stderr when it is a terminal; silent otherwise or with --quiet.
/// A progress bar on stderr, only when stderr is a terminal and not `--quiet`: done/total, the
/// rate and the time left, redrawn at most five times a second.
final class ProgressBar {
    let label: String
    let enabled: Bool
    /// When the first update came (the work began), and the last draw: the first draw waits
    /// 200 ms (an early rate means nothing); none comes after the last.
    var start: ContinuousClock.Instant?
    var lastDraw: ContinuousClock.Instant?
    var finished = false

    /// What `update` counts ("events", "cases").
    let unit: String

    init(_ label: String, quiet: Bool, unit: String = "events") {
        self.label = label
        self.unit = unit
        enabled = !quiet && isatty(2) == 1
    }

    func update(_ done: UInt64, _ total: UInt64) {
        guard enabled, total > 0, !finished else { return }
        let now = ContinuousClock.now
        let start = self.start ?? now
        self.start = start
        if done < total, now - (lastDraw ?? start) < .milliseconds(200) { return }
        lastDraw = now
        finished = done >= total
        let width = 30
        let filled = Int(Double(min(done, total)) / Double(total) * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let elapsed = Double((now - start).components.seconds) + Double((now - start).components.attoseconds) / 1e18
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Int((Double(total - min(done, total)) / rate).rounded(.up)) : nil
        let eta = done >= total ? String(format: "%.1f s", elapsed) : left.map { "\($0 / 60)m\(String(format: "%02d", $0 % 60))s left" } ?? ""
        Output.writeAll(2, "\r\(label) [\(bar)] \(done)/\(total) \(unit), \(Int(rate))/s, \(eta)\u{1B}[K")
        if done >= total { Output.writeAll(2, "\n") }
    }
}

/// Opens the ledger and brings its projections up to date (only the events since their last
/// catch-up are folded).
///
/// When the projections cannot be brought up to date — the ledger is read-only, or the disk is
/// full — the report is made from the consistent state they have, and a note on stderr says how
/// far behind it is.
func openProjections(_ ledger: LedgerOptions, quiet: Bool) throws -> ProjectionStore {
    let log = try ledger.open()
    let store = try ProjectionStore(log: log)
    let bar = ProgressBar("catching up projections", quiet: quiet)
    do {
        if log.isReadOnly {
            throw LedgerError(.readOnly, "the ledger is open read-only")
        }
        try store.catchUp(progress: bar.update)
    } catch let error as LedgerError where error.code == .readOnly || error.code == .diskFull {
        let size = try log.size()
        let applied = try ProjectionStore.Name.allCases.map { try store.appliedSeq($0) }.min() ?? 0
        if applied < size {
            Output.note(Strings.projectionsBehind(applied: applied, size: size, reason: error.message))
        }
    }
    return store
}

/// After an append or import: bring the projections up to date. A failure here never undoes what
/// was appended (it is committed); the next report catches up again and says what went wrong.
///
/// The events are durable when this runs: a failure is a warning (exit status stays 0), never an
/// error that would make the user append again.
func catchUpAfterAppend(_ log: EventLog) {
    do {
        try ProjectionStore(log: log).catchUp()
    } catch let error as LedgerError {
        Output.note(Strings.catchUpFailed(error.message))
    } catch {
        Output.note(Strings.catchUpFailed("\(error)"))
    }
}

func parseDate(_ text: String?, _ option: String) throws -> String? {
    guard let text else { return nil }
    guard text.count == 10, Timestamp(parsing: text) != nil else { throw ValidationError("\(option) \"\(text)\" is not a date YYYY-MM-DD") }
    return text
}

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild projections from zero into a fresh database and swap them in atomically.",
        discussion: "Readers keep seeing the old view until the new one is complete. Projections: cases, workload, meetings (default: all)." + " "
            + ExitStatus.rebuilding)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("Only this projection: cases, workload or meetings.", valueName: "NAME"))
    var projection: String?
    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        var names = ProjectionStore.Name.allCases
        if let projection {
            guard let n = ProjectionStore.Name(rawValue: projection) else {
                throw ValidationError("--projection \(projection) is not one of cases, workload, meetings")
            }
            names = [n]
        }
        let store = try ProjectionStore(log: try ledger.open())
        let start = ContinuousClock.now
        let bar = ProgressBar("rebuilding", quiet: quiet)
        let events = try store.rebuild(names, progress: bar.update)
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
        print(
            "rebuilt \(names.map(\.rawValue).joined(separator: ", ")): \(events) events folded in \(String(format: "%.2f", seconds)) s; now at sequence \(try store.appliedSeq(names[0]))"
        )
    }
}

struct WorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Per-State workload: cases requested and assisted, open and concluded, actions, median days, categories, locations, costs, reimbursements.",
        discussion:
            "Counts the cases filed between --from and --to (inclusive), each as it stood at the end of --to: a case concluded after --to counts as open, an action or claim after it is not counted. A reimbursement claim unsettled after the day it fell due is overdue as of --to (default: the latest date in the ledger): it falls due after the term the Network set (`amparo network reimbursement-term`) in force on the day of the claim, or after 12 months, the default, until it sets one; the report states the term."
            + " " + ExitStatus.reading)
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, md }
    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("First filing date counted (YYYY-MM-DD).", valueName: "DATE")) var from: String?
    @Option(help: ArgumentHelp("Last filing date counted (YYYY-MM-DD).", valueName: "DATE")) var to: String?
    @Option(help: "Output format: table, csv, json or md.") var format: Format = .table
    @OptionGroup var language: LanguageOption
    @Flag(help: "No progress bar.") var quiet = false

    func run() throws {
        let from = try parseDate(self.from, "--from")
        let to = try parseDate(self.to, "--to")
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
        let store = try openProjections(ledger, quiet: quiet)
        // Every count is as of --to: each case as it stood at the end of that day.
        let report = try WorkloadReport.load(store, from: from, to: to, language: language.language)
        switch format {
        case .table: print(report.text(), terminator: "")
        case .md: print(report.markdown(), terminator: "")
        case .csv: print(report.csv(), terminator: "")
        case .json: Output.printJSON(report.json())
        }
    }
}

struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "List the cases.",
        discussion:
            "The filters are /api/cases's query parameters (docs/api.md); given together, a case answers all of them. --findings runs verify's checks over the whole log first (as long as `amparo verify`)."
            + " " + ExitStatus.reading)
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }
    enum YesNo: String, ExpressibleByArgument, CaseIterable { case yes, no }
    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("Only cases with this status (\(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "S"))
    var status: String?
    @Option(help: ArgumentHelp("Only cases this State requested or assists.", valueName: "CODE"))
    var state: String?
    @Option(help: ArgumentHelp("Only cases this State requested.", valueName: "CODE"))
    var requesting: String?
    @Option(help: ArgumentHelp("Only cases this State assists.", valueName: "CODE"))
    var assisting: String?
    @Option(help: ArgumentHelp("Only cases of this Art. 7.4 category (\(Codes.categories.joined(separator: ", "))).", valueName: "WORD"))
    var category: String?
    @Option(help: ArgumentHelp("Only cases filed on or after this date.", valueName: "YYYY-MM-DD"))
    var from: String?
    @Option(help: ArgumentHelp("Only cases filed on or before this date.", valueName: "YYYY-MM-DD"))
    var to: String?
    @Option(help: ArgumentHelp("Only open cases (yes) or only concluded and withdrawn ones (no).", valueName: "yes|no"))
    var open: YesNo?
    @Option(help: ArgumentHelp("Only cases with a finding of verify (yes) or without (no).", valueName: "yes|no"))
    var findings: YesNo?
    @Option(help: "Output format: table, json or csv.") var format: Format = .table
    @OptionGroup var language: LanguageOption
    @Flag(help: "No progress bar.") var quiet = false

    func validate() throws {
        if let status, CaseStatus(rawValue: status) == nil {
            throw ValidationError("--status \(status) is not one of \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (flag, code) in [("--state", state), ("--requesting", requesting), ("--assisting", assisting)] {
            if let code, !Codes.isMemberState(code) {
                throw ValidationError("\(flag) \(code) is not a Member State code (\(Codes.memberStates.joined(separator: " ")))")
            }
        }
        if let category, !Codes.categories.contains(category) {
            throw ValidationError("--category \(category) is not one of \(Codes.categories.joined(separator: ", "))")
        }
        for (flag, date) in [("--from", from), ("--to", to)] {
            if let date, date.count != 10 || Timestamp(parsing: date) == nil {
                throw ValidationError("\(flag) \"\(date)\" is not a date YYYY-MM-DD")
            }
        }
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to): no case can be filed in that period") }
    }

    func run() throws {
        let store = try openProjections(ledger, quiet: quiet)
        let query = CaseQuery(
            requesting: requesting, assisting: assisting, state: state, status: status, category: category, from: from, to: to,
            open: open.map { $0 == .yes })
        let flagged = try findings.map { _ in Set(try Audit.verify(store.log).breaches.compactMap(\.caseID)) }
        // The case index answers the filter; only the cases listed are decoded.
        let cases = try store.caseSummaries(
            store.scanCases { c in
                query.matches(c) && (findings.map { flagged!.contains(c.caseID) == ($0 == .yes) } ?? true) ? c.caseID : nil
            })
        switch format {
        case .table: print(Render.text(CasesReport.rows(cases, language: language.language), numbers: false), terminator: "")
        case .csv: print(Render.csv(CasesReport.rows(cases, language: language.language)), terminator: "")
        case .json:
            // Free text as this node holds it, null where erased.
            Output.printJSON(try store.log.resolvingWords(CasesReport.json(cases)))
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the Network's reports.", discussion: ExitStatus.group, subcommands: [Meeting.self])

    struct Meeting: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The report of a Network meeting, in the shape of the Network's own reports.",
            discussion:
                "Heading, participating States, then numbered items: each case presented, the workload since the previous meeting, the cases overdue under Art. 7.7 and the breaches of the period's cases. Every count is as of the meeting's date: a case concluded after the meeting counts as open. For a meeting not yet held the report is an agenda, as of today: the concluded cases due for presentation there, the workload since the previous meeting, and the breaches in those cases. Published counts below --min-cell are shown as \"<N\", with complementary suppression."
                + " " + ExitStatus.reading)
        enum Format: String, ExpressibleByArgument, CaseIterable { case md, html, json }
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The meeting id, e.g. 2015-11-09-mexico-city.") var meetingID: String
        @Option(help: "Output format: md, html or json.") var format: Format = .md
        @Option(help: ArgumentHelp("Write to this file instead of standard output (refused if it exists, unless --force).", valueName: "FILE"))
        var out: String?
        @Flag(help: "Replace --out if it exists (refused otherwise).") var force = false
        @Option(parsing: .unconditional, help: "Counts below this are suppressed.") var minCell: Int = 5
        @OptionGroup var language: LanguageOption
        @Flag(help: "No progress bar.") var quiet = false

        func validate() throws {
            guard minCell >= 1 else { throw ValidationError("--min-cell must be at least 1") }
        }

        func run() throws {
            if let out { try FileIO.refuseExisting(out, replacing: force) }
            let store = try openProjections(ledger, quiet: quiet)
            let bar = ProgressBar("judging the meeting's cases", quiet: quiet, unit: "cases")
            let report = try MeetingReport(
                try MeetingReportData.make(store: store, meetingID: meetingID, progress: bar.update), minCell: minCell,
                language: language.language)
            let text: String
            switch format {
            case .md: text = report.markdown()
            case .html: text = report.html()
            case .json: text = CanonicalJSON.string(report.json()) + "\n"
            }
            if let out {
                try FileIO.create(out, replacing: force) { write in try write(Array(text.utf8)) }
                print("wrote \(out)")
            } else {
                print(text, terminator: "")
            }
        }
    }
}

struct MeetingListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the Network's meetings: id, date, place, held or scheduled, cases presented.",
        discussion:
            "The id is what `amparo report meeting ID` takes: a meeting held gets a report, one not yet held an agenda of the cases due there." + " "
            + ExitStatus.reading)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "Output format: text or json.") var format: TextOrJSON = .text
    @Flag(help: "No progress bar.") var quiet = false

    func run() throws {
        let meetings = try openProjections(ledger, quiet: quiet).meetings()
        switch format {
        case .json:
            Output.printJSON(.array(meetings.map(\.json)))
        case .text:
            guard !meetings.isEmpty else {
                print("no meeting yet: the Secretariat schedules one with `amparo meeting schedule`")
                return
            }
            var rows = [["MEETING", "DATE", "PLACE", "STATE", "PRESENTED"]]
            for m in meetings {
                let place = [m.city, m.country].compactMap { $0 }.joined(separator: ", ")
                rows.append([m.id, m.date, place, m.held ? "held" : "scheduled", String(m.presented.count)])
            }
            print(Render.text(rows, numbers: false), terminator: "")
        }
    }
}
