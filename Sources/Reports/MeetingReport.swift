import Agreement
import Foundation
import Ledger
import Projections

/// `amparo report meeting`: a meeting report in the shape of the Network's own reports (seeds 002
/// and 004): heading, participating States, then numbered items. Published counts below the
/// minimum are suppressed, with complementary suppression.
public struct MeetingReport: Sendable {
    public let data: MeetingReportData
    public let minimum: Int

    /// The published tables, suppressed and audited once.
    public let workloadTable: CountTable
    public let workloadToDateTable: CountTable
    public let categoryTable: CountTable

    /// - Throws: when a table fails the suppression audit (it is never published).
    public init(_ data: MeetingReportData, minCell: Int) throws {
        self.data = data
        minimum = minCell
        let since =
            data.previous.map { "since the previous meeting (\(Render.longDate($0.date)), \($0.city ?? $0.id))" } ?? "up to this meeting"
        let period = MeetingReport.workloadTable(data.periodCases, title: "Workload \(since)", minimum: minCell, alsoHide: nil)
        workloadTable = period
        // A cumulative table hides what the period's table hides: two consecutive reports must not
        // be subtracted to recover it.
        workloadToDateTable = MeetingReport.workloadTable(
            data.casesToDate, title: "Workload since the mechanism began", minimum: minCell, alsoHide: { period.hiddenRow($0) })
        let periodCategories = MeetingReport.categoryTable(data.periodCases, minimum: minCell, alsoHide: nil)
        categoryTable = MeetingReport.categoryTable(data.casesToDate, minimum: minCell, alsoHide: { periodCategories.hiddenRow($0) })
        for table in [workloadTable, workloadToDateTable, categoryTable] { try table.check() }
    }

    var m: MeetingView { data.meeting }
    var place: String { [m.city, m.country.map(Codes.name)].compactMap { $0 }.joined(separator: ", ") }
    var since: String {
        data.previous.map { "since the previous meeting (\(Render.longDate($0.date)), \($0.city ?? $0.id))" } ?? "up to this meeting"
    }

    /// Workload per State (requested, assisted, concluded) of `cases`; `alsoHide` gives, by row
    /// label ("Total" for the totals row), entries to withhold.
    static func workloadTable(_ cases: [CaseSummary], title: String, minimum: Int, alsoHide: ((String) -> [Bool]?)?) -> CountTable {
        let rows = WorkloadRow.rows(cases).filter { $0.requested + $0.assisted + $0.concluded > 0 }
        let labels = rows.map { Codes.label($0.state) }
        return CountTable(
            title: title, rows: labels, columns: ["Requested", "Assisted", "Concluded"],
            counts: rows.map { [$0.requested, $0.assisted, $0.concluded] }, minimum: minimum, showsRowTotals: false,
            alsoHide: alsoHide.map { hide in (labels + ["Total"]).map { hide($0) ?? [false, false, false, false] } })
    }

    /// Cases per category and requesting State.
    static func categoryTable(_ cases: [CaseSummary], minimum: Int, alsoHide: ((String) -> [Bool]?)?) -> CountTable {
        let rows = WorkloadRow.rows(cases).filter { $0.requested > 0 }
        let labels = rows.map { Codes.label($0.state) }
        return CountTable(
            title: "Cases by category, since the mechanism began", rows: labels,
            columns: Codes.categories.map { $0.replacingOccurrences(of: "_", with: " ") },
            counts: rows.map { r in Codes.categories.map { r.byCategory[$0] ?? 0 } }, minimum: minimum,
            alsoHide: alsoHide.map { hide in (labels + ["Total"]).map { hide($0) ?? Array(repeating: false, count: Codes.categories.count + 1) } })
    }

    /// "10 cases were filed in the period": the count as the table publishes it.
    func filed(_ table: CountTable, _ count: Int, _ rest: String) -> String {
        switch table.rowLabels.isEmpty ? .shown : table.labels[table.rowLabels.count][0] {
        case .shown: "\(Render.count(count, "case")) \(count == 1 ? "was" : "were") filed \(rest)."
        case .primary: "Fewer than \(minimum) cases were filed \(rest)."
        case .withheld: "The number of cases filed \(rest) is withheld (x), so that no hidden count can be recovered."
        }
    }

    struct Item {
        let title: String
        let paragraphs: [String]
        var table: CountTable? = nil
        var list: [String] = []
    }

    /// A meeting not yet held gets an agenda, not a report: nothing is said about what it did.
    var isAgenda: Bool { !m.held }

    /// "Report of the Meeting …" or "Agenda of the Meeting …".
    var heading: String { "\(isAgenda ? "Agenda" : "Report") of the Meeting of the Liaison Officer Network for Consular Protection" }

    /// The opening sentence, and what the counts are as of.
    var opening: String {
        guard !isAgenda else {
            return
                "The Liaison Officer Network for Consular Protection is scheduled to meet on \(Render.longDate(m.date)) in \(place). This agenda is drawn from the ledger as of \(Render.longDate(data.asOf))."
        }
        let observers = m.observers.isEmpty ? "" : "; observers: \(Render.list(m.observers))"
        return
            "The Liaison Officer Network for Consular Protection held its meeting on \(Render.longDate(m.date)) in \(place), with the participation of representatives from the following countries: \(participants)\(observers). Every count is as of the date of the meeting."
    }

    /// The report's legend: what "Total" and the hidden counts mean.
    var legend: String {
        let total =
            "In every table, the last row, \"Total\", is the sum of its column; in the table of cases by category, the last column, \"Total\", is the sum of its row (the cases a State requested). Totals include hidden counts."
        return minimum <= 1
            ? total
            : total
                + " Counts from 1 to \(minimum - 1) are shown as \"<\(minimum)\"; \"x\" marks a count withheld (of any size, zero included) so that no hidden count can be recovered from the others, nor by comparing this report with the previous one."
    }

    var lead: String { isAgenda ? "Items for the meeting:" : "The Network submits its report as follows:" }

    var agendaItems: [Item] {
        let asOf = Render.longDate(data.asOf)
        return [
            Item(
                title: "Cases due for presentation (Article 7.7)",
                paragraphs: [
                    data.due.isEmpty
                        ? "As of \(asOf), no concluded case is due for presentation at this meeting."
                        : "As of \(asOf), these concluded cases are to be presented at this meeting:"
                ],
                list: data.due.map { s, overdue in
                    let late = overdue.map { ", overdue since the meeting of \(Render.longDate($0.date))" } ?? ""
                    return "\(s.caseID) (\(Codes.label(s.requesting))), concluded on \(s.concluded ?? "?")\(late)"
                }),
            Item(
                title: "Workload \(since), as of \(asOf)",
                paragraphs: [
                    filed(workloadTable, data.periodCases.count, "\(since), as of \(asOf)") + (data.periodCases.isEmpty ? "" : Render.suppression(minimum))
                ],
                table: workloadTable),
            breachesItem,
        ]
    }

    var breachesItem: Item {
        Item(
            title: "Breaches of the Agreement in the period's cases",
            paragraphs: [
                data.breaches.isEmpty
                    ? "`amparo verify` finds no breach of the Agreement in these cases."
                    : "`amparo verify` finds these breaches of the Agreement in the period's cases:"
            ],
            list: data.breaches.map { "\($0.caseID ?? "-"): \($0.message) [\($0.rule)]" })
    }

    var items: [Item] {
        if isAgenda { return agendaItems }
        var items: [Item] = []
        for (s, p) in data.presented {
            let by = Codes.name(p.providedBy)
            items.append(
                Item(
                    title: "Case \(s.caseID), presented by \(Codes.name(s.requesting))",
                    paragraphs: [
                        "Nature of the situation: \(p.nature).",
                        "Consular protection required: \(p.required).",
                        "Consular protection provided: \(p.provided), by \(by).",
                        "Outcome: \((s.outcome ?? "open").replacingOccurrences(of: "_", with: " "))\(s.summary.map { " — \($0)" } ?? "").",
                        "Lessons learned: \(p.lessons).",
                    ]))
        }
        if data.presented.isEmpty {
            items.append(Item(title: "Cases presented", paragraphs: ["No case was presented at this meeting."]))
        }
        items.append(
            Item(
                title: "Workload \(since)",
                paragraphs: [
                    filed(workloadTable, data.periodCases.count, "in the period") + (data.periodCases.isEmpty ? "" : Render.suppression(minimum))
                ],
                table: workloadTable))
        items.append(
            Item(
                title: "Workload since the mechanism began",
                paragraphs: [filed(workloadToDateTable, data.casesToDate.count, "up to this meeting")],
                table: workloadToDateTable))
        items.append(Item(title: "Cases by category, since the mechanism began", paragraphs: [], table: categoryTable))
        items.append(
            Item(
                title: "Cases overdue under Article 7.7",
                paragraphs: [
                    data.overdue.isEmpty
                        ? "Every concluded case was presented at the meeting following its conclusion."
                        : "These concluded cases were not presented at the meeting following their conclusion:"
                ],
                list: data.overdue.map {
                    "\($0.summary.caseID) (\(Codes.label($0.summary.requesting))), concluded on \($0.summary.concluded ?? "?"), due at the meeting of \(Render.longDate($0.due.date))"
                }))
        items.append(breachesItem)
        return items
    }

    var participants: String {
        let names = m.participants.map { Codes.name($0) }
        return names.isEmpty ? "no participation recorded" : Render.list(names)
    }

    // MARK: Markdown

    public func markdown() -> String {
        var out = "# \(heading)\n\n"
        out += "Regional Conference on Migration (RCM) · Regional Consultation Group on Migration (RCGM)\n\n"
        out += "**\(place)**  \n**\(Render.longDate(m.date))**\n\n"
        out += opening + "\n\n"
        out += lead + "\n\n"
        for (i, item) in items.enumerated() {
            out += "## \(i + 1). \(item.title)\n\n"
            for p in item.paragraphs { out += p + "\n\n" }
            if let t = item.table, !t.rowLabels.isEmpty { out += Render.markdown(t.published) + "\n" }
            for l in item.list { out += "- \(l)\n" }
            if !item.list.isEmpty { out += "\n" }
        }
        out += "---\n\(legend) From the ledger's \(data.events) events; case data carry no personal data.\n"
        return out
    }

    // MARK: JSON

    public func json() -> JSONValue {
        func table(_ t: CountTable) -> JSONValue {
            .object([
                "title": .string(t.title), "columns": .array(t.columnLabels.map(JSONValue.string)),
                "rows": .array(t.published.dropFirst().map { .array($0.map(JSONValue.string)) }), "minimum": .number(Double(minimum)),
            ])
        }
        return .object([
            "meeting": .string(m.id), "date": .string(m.date), "city": m.city.map(JSONValue.string) ?? .null,
            "country": m.country.map(JSONValue.string) ?? .null, "held": .bool(m.held),
            "kind": .string(isAgenda ? "agenda" : "report"), "as_of": .string(data.asOf),
            "due": .array(
                data.due.map { s, overdue in
                    .object([
                        "case": .string(s.caseID), "requesting": .string(s.requesting), "concluded": s.concluded.map(JSONValue.string) ?? .null,
                        "overdue_since": overdue.map { .string($0.id) } ?? .null,
                    ])
                }),
            "participants": .array(m.participants.map(JSONValue.string)), "observers": .array(m.observers.map(JSONValue.string)),
            "previous_meeting": data.previous.map { .string($0.id) } ?? .null,
            "presented": .array(
                data.presented.map { s, p in
                    .object([
                        "case": .string(s.caseID), "requesting": .string(s.requesting), "nature": .string(p.nature),
                        "protection_required": .string(p.required), "protection_provided": .string(p.provided),
                        "provided_by": .string(p.providedBy), "outcome": s.outcome.map(JSONValue.string) ?? .null,
                        "lessons": .string(p.lessons),
                    ])
                }),
            "workload": table(workloadTable), "workload_to_date": table(workloadToDateTable), "by_category": table(categoryTable),
            "overdue": .array(data.overdue.map { .object(["case": .string($0.summary.caseID), "due_meeting": .string($0.due.id)]) }),
            "breaches": .array(data.breaches.map(\.json)),
        ])
    }
}
