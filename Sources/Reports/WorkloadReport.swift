import Agreement
import L10n
import Ledger
import Projections

/// `amparo workload`: per State, for the cases filed in a period.
package struct WorkloadReport: Sendable {
    package let from: String?
    package let to: String?
    /// The day it speaks as of: claims unsettled after the day they fell due by then are overdue.
    package let asOf: String
    /// The reimbursement terms the Network set (the default until it sets one).
    let terms: ReimbursementTerms
    package let rows: [WorkloadRow]
    /// How many cases were filed in the period.
    package let caseCount: Int
    /// Unsettled claims overdue as of `asOf`, by claimant.
    let overdueByClaimant: [String: Int]
    /// The language of its labels.
    package let t: Localizer

    /// Cases filed in [from, to] (dates inclusive); `asOf` defaults to `to`, else the latest date in the cases.
    ///
    /// `rows`: the workload projection's rows, which count every case; used when no period is
    /// given (a period needs the rows of its cases, summed here).
    package init(
        cases all: [CaseSummary], rows projected: [WorkloadRow]? = nil, terms: ReimbursementTerms = ReimbursementTerms(), from: String?, to: String?,
        language: Language = .en
    ) {
        let cases = all.filter { WorkloadReport.filed($0.filed, from: from, to: to) }
        let rows = from == nil && to == nil ? projected ?? WorkloadRow.rows(cases) : WorkloadRow.rows(cases)
        let cards = all.map(CaseCard.init)
        self.init(
            rows: rows, caseCount: cases.count, latestDay: cards.compactMap(\.latestDay).max(),
            unsettled: cards.filter { WorkloadReport.filed($0.filed, from: from, to: to) }.flatMap(\.unsettledClaims), terms: terms, from: from,
            to: to, language: language)
    }

    /// The report from what it counts: `caseCount` cases filed in the period, `latestDay` the
    /// latest dated fact of the whole ledger (the day it speaks as of without `to`), `unsettled`
    /// the unsettled claims of the period's cases.
    init(
        rows: [WorkloadRow], caseCount: Int, latestDay: String?, unsettled: [CaseCard.UnsettledClaim], terms: ReimbursementTerms, from: String?,
        to: String?, language: Language
    ) {
        t = Localizer(language)
        self.from = from
        self.to = to
        self.rows = rows
        self.caseCount = caseCount
        let asOf = to ?? latestDay ?? "1970-01-01"
        self.asOf = asOf
        self.terms = terms
        var overdue: [String: Int] = [:]
        for claim in unsettled where terms.overdue(claimedOn: claim.claimed, on: asOf) {
            overdue[claim.claimant, default: 0] += 1
        }
        overdueByClaimant = overdue
    }

    /// The workload of the period from `store`: as of `to`, each case as it stood at the end of that
    /// day (every summary read, the cases acted on later folded again); otherwise from the case
    /// index (only the cards of the period's cases with unsettled claims decoded), with the
    /// workload projection's rows for all time, or the summaries of the period's cases only.
    package static func load(_ store: ProjectionStore, from: String?, to: String?, language: Language = .en) throws -> WorkloadReport {
        let terms = try store.reimbursementTerms()
        if let to {
            return WorkloadReport(cases: try store.caseSummaries(asOf: to), terms: terms, from: from, to: to, language: language)
        }
        var latest: String?
        var count = 0
        var unsettled: [CaseCard.UnsettledClaim] = []
        let period = try store.scanCases { c -> String? in
            if let day = c.string(.latestDay), day > (latest ?? "") { latest = day }
            guard filed(c.string(.filed), from: from, to: nil) else { return nil }
            count += 1
            if c.hasUnsettledClaims { unsettled += try c.decoded().unsettledClaims }
            return from == nil ? nil : c.caseID
        }
        let rows = from == nil ? try store.workloadRows() : WorkloadRow.rows(try store.caseSummaries(period))
        return WorkloadReport(
            rows: rows, caseCount: count, latestDay: latest, unsettled: unsettled, terms: terms, from: from, to: nil, language: language)
    }

    /// True when a case filed on `day` counts in the period.
    static func filed(_ day: String?, from: String?, to: String?) -> Bool {
        guard let day else { return false }
        return (from.map { day >= $0 } ?? true) && (to.map { day <= $0 } ?? true)
    }

    var period: String { period(t) }

    /// The period in `t`'s words (published prose writes its dates out).
    func period(_ t: Localizer) -> String {
        switch (from, to) {
        case (nil, nil): t("workload.period.all")
        case (let f?, nil): t("workload.period.from", ["from": t.proseValue(f)])
        case (nil, let to?): t("workload.period.to", ["to": t.proseValue(to)])
        case (let f?, let to?): t("workload.period.from_to", ["from": t.proseValue(f), "to": t.proseValue(to)])
        }
    }

    func overdue(_ state: String) -> Int { overdueByClaimant[state] ?? 0 }

    func median(_ xs: [Int: Int]) -> String { WorkloadRow.median(xs).map(String.init) ?? "-" }

    package var mainTable: [[String]] {
        var out = [
            [
                t("workload.state"), t("workload.requested"), t("workload.assisted"), t("workload.open"), t("workload.concluded"),
                t("workload.actions"), t("workload.median_scope"), t("workload.median_conclusion"),
            ]
        ]
        for r in rows {
            out.append([
                t.label(r.state), String(r.requested), String(r.assisted), String(r.open), String(r.concluded),
                String(r.actions), median(r.daysToScope), median(r.daysToConclusion),
            ])
        }
        let sum = rows.reduce(into: WorkloadRow(state: "")) { acc, r in
            acc.requested += r.requested
            acc.assisted += r.assisted
            acc.open += r.open
            acc.concluded += r.concluded
            acc.actions += r.actions
            acc.daysToScope.merge(r.daysToScope, uniquingKeysWith: +)
            acc.daysToConclusion.merge(r.daysToConclusion, uniquingKeysWith: +)
        }
        out.append([
            t("workload.total"), String(sum.requested), String(sum.assisted), String(sum.open), String(sum.concluded), String(sum.actions),
            median(sum.daysToScope), median(sum.daysToConclusion),
        ])
        return out
    }

    package var categoryTable: [[String]] {
        let categories = Codes.categories.map(t.category)
        var out = [[t("workload.state")] + categories + [t("workload.total")]]
        for r in rows where r.requested > 0 {
            out.append([t.label(r.state)] + Codes.categories.map { String(r.byCategory[$0] ?? 0) } + [String(r.requested)])
        }
        return out
    }

    package var locationTable: [[String]] {
        let countries = Set(rows.flatMap { $0.byLocation.keys }).sorted()
        var out = [[t("workload.state")] + countries + [t("workload.total")]]
        for r in rows where r.requested > 0 {
            out.append([t.label(r.state)] + countries.map { String(r.byLocation[$0] ?? 0) } + [String(r.requested)])
        }
        return out
    }

    package var costTable: [[String]] {
        var totals: [String: Int] = [:]
        for r in rows { for (k, v) in r.costs { totals[k, default: 0] += v } }
        var out = [[t("workload.payer"), t("workload.currency"), t("workload.amount")]]
        for key in totals.keys.sorted() {
            let parts = key.split(separator: " ")
            out.append([t.label(String(parts[0])), String(parts.last ?? ""), Render.money(totals[key]!)])
        }
        return out
    }

    package var reimbursementTable: [[String]] {
        var out = [
            [t("cases.assisting"), t("workload.claims"), t("workload.settled"), t("workload.overdue"), t("workload.claimed")]
        ]
        for r in rows where r.claims > 0 {
            out.append([
                t.label(r.state), String(r.claims), String(r.settled), String(overdue(r.state)),
                r.claimed.keys.sorted().map { "\(Render.money(r.claimed[$0]!)) \($0)" }.joined(separator: ", "),
            ])
        }
        return out
    }

    var sections: [(String, [[String]])] {
        [
            (t("workload.section.state"), mainTable), (t("workload.section.category"), categoryTable),
            (t("workload.section.location"), locationTable), (t("workload.section.costs"), costTable),
            (t("workload.section.reimbursements"), reimbursementTable),
        ]
    }

    /// The term in force on the day it speaks as of, and what it says of the claims made before.
    func termLines(_ t: Localizer) -> [String] {
        let term = terms.term(on: asOf)
        var lines = [t.termSentence(term)]
        if let effective = term.effective { lines.append(t("term.earlier", ["date": t.proseValue(effective)])) }
        return lines
    }

    package func text() -> String {
        var out = t("workload.heading.text", ["period": period, "cases": t.count(caseCount, "workload.cases"), "date": asOf]) + "\n"
        for (title, table) in sections { out += "\n" + title + "\n" + Render.text(table) }
        return out + "\n" + termLines(t).joined(separator: "\n") + "\n"
    }

    package func markdown() -> String {
        var out = "# \(t("workload.heading.md"))\n\n"
        // A document to publish: its sentences write dates out, its tables keep them as they are.
        let prose = Localizer(t.language, prose: true)
        out +=
            prose(
                "workload.lead.md", ["period": period(prose).capitalizedFirst, "cases": t.count(caseCount, "workload.cases"), "date": prose.proseValue(asOf)])
            + "\n"
        for (title, table) in sections { out += "\n## \(title)\n\n" + Render.markdown(table) }
        return out + "\n" + termLines(prose).joined(separator: " ") + "\n"
    }

    /// Tidy CSV: one line per section, State (or payer) and measure.
    package func csv() -> String {
        var rows: [[String]] = [["section", "row", "measure", "value"]]
        for (title, table) in sections {
            guard let header = table.first else { continue }
            for line in table.dropFirst() {
                for (i, cell) in line.enumerated().dropFirst() { rows.append([title, line[0], header[i], cell]) }
            }
        }
        return Render.csv(rows)
    }

    package func json() -> JSONValue {
        .object([
            "from": from.map(JSONValue.string) ?? .null, "to": to.map(JSONValue.string) ?? .null, "as_of": .string(asOf),
            "cases": .number(Double(caseCount)),
            "reimbursement_term": terms.term(on: asOf).json,
            "states": .array(
                rows.map { r in
                    var o = r.json.objectValue!
                    o["median_days_to_scope"] = WorkloadRow.median(r.daysToScope).map { .number(Double($0)) } ?? .null
                    o["median_days_to_conclusion"] = WorkloadRow.median(r.daysToConclusion).map { .number(Double($0)) } ?? .null
                    o["overdue_claims"] = .number(Double(overdue(r.state)))
                    return .object(o)
                }),
        ])
    }
}

extension String {
    /// "the United States" → "The United States".
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
