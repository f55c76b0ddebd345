import Agreement
import Foundation
import L10n
import Ledger
import Projections

/// `amparo report meeting`: a meeting report in the shape of the Network's own reports (seeds 002
/// and 004): heading, participating States, then numbered items. Published counts below the
/// minimum are suppressed, with complementary suppression.
package struct MeetingReport: Sendable {
    package let data: MeetingReportData
    package let minimum: Int
    /// The language the report is written in.
    package let t: Localizer

    /// The published tables, suppressed and audited once.
    package let workloadTable: CountTable
    package let workloadToDateTable: CountTable
    package let categoryTable: CountTable

    /// - Throws: when a table fails the suppression audit (it is never published).
    package init(_ data: MeetingReportData, minCell: Int, language: Language = .en) throws {
        self.data = data
        minimum = minCell
        let t = Localizer(language, prose: true)
        self.t = t
        let since = MeetingReport.since(data, t)
        let period = MeetingReport.workloadTable(data.periodCases, title: t("report.workload", ["since": since]), minimum: minCell, alsoHide: nil, t)
        workloadTable = period
        // A cumulative table hides what the period's table hides: two consecutive reports must not
        // be subtracted to recover it.
        workloadToDateTable = MeetingReport.workloadTable(
            data.casesToDate, title: t("report.workload_to_date"), minimum: minCell, alsoHide: { period.hiddenRow($0) }, t)
        let periodCategories = MeetingReport.categoryTable(data.periodCases, minimum: minCell, alsoHide: nil, t)
        categoryTable = MeetingReport.categoryTable(data.casesToDate, minimum: minCell, alsoHide: { periodCategories.hiddenRow($0) }, t)
        for table in [workloadTable, workloadToDateTable, categoryTable] { try table.check() }
    }

    var m: MeetingView { data.meeting }
    var place: String { [m.city, m.country.map(t.name)].compactMap { $0 }.joined(separator: ", ") }
    var since: String { MeetingReport.since(data, t) }

    /// "since the previous meeting (24 November 2014, Tegucigalpa)", or "up to this meeting".
    static func since(_ data: MeetingReportData, _ t: Localizer) -> String {
        data.previous.map { t("report.since_previous", ["date": t.longDate($0.date), "city": $0.city ?? $0.id]) } ?? t("report.up_to")
    }

    /// Workload per State (requested, assisted, concluded) of `cases`; `alsoHide` gives, by row
    /// label ("Total" for the totals row), entries to withhold.
    static func workloadTable(_ cases: [CaseSummary], title: String, minimum: Int, alsoHide: ((String) -> [Bool]?)?, _ t: Localizer) -> CountTable {
        let rows = WorkloadRow.rows(cases).filter { $0.requested + $0.assisted + $0.concluded > 0 }
        let labels = rows.map { t.label($0.state) }
        return CountTable(
            title: title, rows: labels, columns: [t("report.col.requested"), t("report.col.assisted"), t("report.col.concluded")],
            counts: rows.map { [$0.requested, $0.assisted, $0.concluded] }, minimum: minimum, showsRowTotals: false,
            alsoHide: alsoHide.map { hide in (labels + ["Total"]).map { hide($0) ?? [false, false, false, false] } })
    }

    /// Cases per category and requesting State.
    static func categoryTable(_ cases: [CaseSummary], minimum: Int, alsoHide: ((String) -> [Bool]?)?, _ t: Localizer) -> CountTable {
        let rows = WorkloadRow.rows(cases).filter { $0.requested > 0 }
        let labels = rows.map { t.label($0.state) }
        return CountTable(
            title: t("report.by_category"), rows: labels,
            columns: Codes.categories.map { t("category." + $0) },
            counts: rows.map { r in Codes.categories.map { r.byCategory[$0] ?? 0 } }, minimum: minimum,
            alsoHide: alsoHide.map { hide in (labels + ["Total"]).map { hide($0) ?? Array(repeating: false, count: Codes.categories.count + 1) } })
    }

    /// "10 cases were filed in the period": the count as the table publishes it.
    func filed(_ table: CountTable, _ count: Int, _ rest: String) -> String {
        switch table.rowLabels.isEmpty ? .shown : table.labels[table.rowLabels.count][0] {
        case .shown: t("report.filed." + (count == 1 ? "one" : "other"), ["n": String(count), "rest": rest])
        case .primary: t("report.filed.few", ["min": String(minimum), "rest": rest])
        case .withheld: t("report.filed.withheld", ["rest": rest])
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
    package var heading: String { t(isAgenda ? "report.heading.agenda" : "report.heading.report") }

    /// The opening sentence, and what the counts are as of.
    var opening: String {
        guard !isAgenda else {
            return t("report.opening.agenda", ["date": t.longDate(m.date), "place": place, "asof": t.longDate(data.asOf)])
        }
        let observers = m.observers.isEmpty ? "" : t("report.observers", ["list": t.list(m.observers.map(t.organisation))])
        return t("report.opening", ["date": t.longDate(m.date), "place": place, "participants": participants, "observers": observers])
    }

    /// The report's legend: what "Total" and the hidden counts mean.
    var legend: String {
        let total = t("report.legend.total")
        return minimum <= 1 ? total : total + t("report.legend.hidden", ["max": String(minimum - 1), "min": String(minimum)])
    }

    var lead: String { t(isAgenda ? "report.lead.agenda" : "report.lead.report") }

    /// "The Network's next meeting: 16 May 2016, San Salvador, El Salvador.", or "" when the
    /// ledger knows none after this one.
    var closing: String {
        guard let next = data.next else { return "" }
        let place = [next.city, next.country.map(t.name)].compactMap { $0 }.joined(separator: ", ")
        return t(place.isEmpty ? "report.next.date" : "report.next", ["date": t.longDate(next.date), "place": place])
    }

    var agendaItems: [Item] {
        let asOf = t.longDate(data.asOf)
        let sinceAsOf = t("report.since_as_of", ["since": since, "date": asOf])
        return [
            Item(
                title: t("report.due.title"),
                paragraphs: [t(data.due.isEmpty ? "report.due.none" : "report.due.some", ["date": asOf])],
                list: data.due.map { s, overdue in
                    let late = overdue.map { t("report.due.late", ["date": t.longDate($0.date)]) } ?? ""
                    return t("report.due.item", ["case": s.caseID, "state": t.label(s.requesting), "date": s.concluded.map(t.longDate) ?? "?", "late": late])
                }),
            Item(
                title: t("report.workload", ["since": sinceAsOf]),
                paragraphs: [
                    filed(workloadTable, data.periodCases.count, sinceAsOf) + (data.periodCases.isEmpty ? "" : suppression)
                ],
                table: workloadTable),
            breachesItem,
        ]
    }

    var breachesItem: Item {
        Item(
            title: t("report.breaches.title"),
            paragraphs: [t(data.breaches.isEmpty ? "report.breaches.none" : "report.breaches.some")],
            list: data.breaches.map { "\($0.caseID ?? "-"): \(t.breach($0)) [\($0.rule)]" })
    }

    /// Free text as the report publishes it: the words this node holds, or "erased".
    func said(_ value: String) -> String { Words.isCommitment(value) ? data.words[value] ?? t("words.erased") : value }

    /// Free text in the JSON report: the words held, or null where they are erased.
    func saidJSON(_ value: String) -> JSONValue {
        Words.isCommitment(value) ? data.words[value].map(JSONValue.string) ?? .null : .string(value)
    }

    var items: [Item] {
        if isAgenda { return agendaItems }
        var items: [Item] = []
        for (s, p) in data.presented {
            // What the ledger holds, in the reader's language, then the officer's own words as written.
            func officer(_ value: String) -> String { value.isEmpty ? "" : t("report.case.as_presented", ["text": said(value)]) }
            let place = s.locationCountry.map { t("report.case.in", ["country": t.name($0)]) } ?? ""
            let nature = s.category.map { t.nature($0) + place }
            // The officer's words add nothing when they say the facts as the category's label would.
            let plainNature = s.category.map { t.category($0) + place }
            let by = (p.providedBy.isEmpty ? s.assisting : p.providedBy).map(t.name)
            func stated(_ key: String, _ facts: String?, _ words: String, _ args: [String: String] = [:], alike: String? = nil) -> String? {
                if let facts, !facts.isEmpty {
                    // The officer's words once they say more than the facts already said.
                    let written = said(words).lowercased().trimmingCharacters(in: .punctuationCharacters)
                    let same = written == facts.lowercased() || written == alike?.lowercased()
                    return t(key, args.merging(["text": facts]) { a, _ in a }) + (same ? "" : officer(words))
                }
                return words.isEmpty ? nil : t(key, args.merging(["text": said(words)]) { a, _ in a })
            }
            let provided = s.actionKinds.isEmpty ? nil : t.actions(s.actionKinds)
            items.append(
                Item(
                    title: t("report.case.title", ["case": s.caseID, "state": t.name(s.requesting)]),
                    paragraphs: [
                        stated("report.case.nature", nature, p.nature, alike: plainNature),
                        stated("report.case.required", s.scope.isEmpty ? nil : t("report.case.scope", ["kinds": t.actions(s.scope)]), p.required),
                        stated(by == nil ? "report.case.provided_anyone" : "report.case.provided", provided, p.provided, ["state": by ?? ""]),
                    ].compactMap { $0 } + [
                        t("report.case.outcome", ["outcome": t.outcome(s.outcome), "summary": s.summary.map { " — \(said($0))" } ?? ""]),
                        t("report.case.lessons", ["text": said(p.lessons)]),
                    ]))
        }
        if data.presented.isEmpty {
            items.append(Item(title: t("report.presented.title"), paragraphs: [t("report.presented.none")]))
        }
        items.append(
            Item(
                title: t("report.workload", ["since": since]),
                paragraphs: [
                    filed(workloadTable, data.periodCases.count, t("report.in_period")) + (data.periodCases.isEmpty ? "" : suppression)
                ],
                table: workloadTable))
        items.append(
            Item(
                title: t("report.workload_to_date"),
                paragraphs: [filed(workloadToDateTable, data.casesToDate.count, t("report.up_to"))],
                table: workloadToDateTable))
        items.append(Item(title: t("report.by_category"), paragraphs: [], table: categoryTable))
        items.append(
            Item(
                title: t("report.overdue.title"),
                paragraphs: [t(data.overdue.isEmpty ? "report.overdue.none" : "report.overdue.some")],
                list: data.overdue.map {
                    t(
                        "report.overdue.item",
                        [
                            "case": $0.summary.caseID, "state": t.label($0.summary.requesting), "date": $0.summary.concluded.map(t.longDate) ?? "?",
                            "meeting": t.longDate($0.due.date),
                        ])
                }))
        items.append(breachesItem)
        return items
    }

    var participants: String {
        let names = m.participants.map { t.name($0) }
        return names.isEmpty ? t("report.no_participants") : t.list(names)
    }

    /// The sentence about suppressed cells; nothing when no count can be suppressed (a minimum of 1).
    var suppression: String { minimum <= 1 ? "" : t("report.suppression", ["max": String(minimum - 1), "min": String(minimum)]) }

    // MARK: Markdown

    package func markdown() -> String {
        var out = "# \(heading)\n\n"
        out += "\(t("report.org.rcm")) · \(t("report.org.rcgm"))\n\n"
        out += "**\(place)**  \n**\(t.longDate(m.date))**\n\n"
        out += opening + "\n\n"
        out += lead + "\n\n"
        for (i, item) in items.enumerated() {
            out += "## \(i + 1). \(item.title)\n\n"
            for p in item.paragraphs { out += p + "\n\n" }
            if let t = item.table, !t.rowLabels.isEmpty { out += Render.markdown(t.published) + "\n" }
            for l in item.list { out += "- \(l)\n" }
            if !item.list.isEmpty { out += "\n" }
        }
        if !closing.isEmpty { out += closing + "\n\n" }
        out += "---\n\(legend) \(t("report.footer.md", ["events": t.count(Int(data.events), "count.event")]))\n"
        return out
    }

    // MARK: JSON

    package func json() -> JSONValue {
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
            "next_meeting": data.next.map { n in
                .object([
                    "meeting": .string(n.id), "date": .string(n.date), "city": n.city.map(JSONValue.string) ?? .null,
                    "country": n.country.map(JSONValue.string) ?? .null, "held": .bool(n.held),
                ])
            } ?? .null,
            "presented": .array(
                data.presented.map { s, p in
                    .object([
                        "case": .string(s.caseID), "requesting": .string(s.requesting), "nature": saidJSON(p.nature),
                        "protection_required": saidJSON(p.required), "protection_provided": saidJSON(p.provided),
                        "provided_by": .string(p.providedBy.isEmpty ? s.assisting ?? "" : p.providedBy),
                        "outcome": s.outcome.map(JSONValue.string) ?? .null,
                        "category": s.category.map(JSONValue.string) ?? .null, "location_country": s.locationCountry.map(JSONValue.string) ?? .null,
                        "scope": .array(s.scope.map(JSONValue.string)), "action_kinds": .array(s.actionKinds.map(JSONValue.string)),
                        "lessons": saidJSON(p.lessons),
                    ])
                }),
            "workload": table(workloadTable), "workload_to_date": table(workloadToDateTable), "by_category": table(categoryTable),
            "overdue": .array(data.overdue.map { .object(["case": .string($0.summary.caseID), "due_meeting": .string($0.due.id)]) }),
            "breaches": .array(data.breaches.map(\.json)),
        ])
    }
}
