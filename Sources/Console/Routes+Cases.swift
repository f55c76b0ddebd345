import Agreement
import Bundles
import Foundation
import HTTPTypes
import Hummingbird
import L10n
import Ledger
import Projections
import Reports
import Service

extension Routes {
    // MARK: Cases

    /// The query parameters: what the case index answers (``CaseQuery``), findings of the last
    /// verify run, and the page.
    struct Filter {
        var query = CaseQuery()
        var findings: Bool?
        var page = 1
    }

    func filter(_ request: Request, _ t: Localizer) throws -> Filter {
        let q = request.uri.queryParameters
        func value(_ name: String) -> String? {
            guard let v = q[Substring(name)], !v.isEmpty else { return nil }
            return String(v)
        }
        var f = Filter()
        for name in ["requesting", "assisting"] {
            if let v = value(name) {
                guard Codes.isMemberState(v) else { throw bad(t, "error.state", ["value": String(v.prefix(20))]) }
                if name == "requesting" { f.query.requesting = v } else { f.query.assisting = v }
            }
        }
        if let v = value("status") {
            guard CaseStatus(rawValue: v) != nil else { throw bad(t, "error.status", ["value": String(v.prefix(30))]) }
            f.query.status = v
        }
        if let v = value("category") {
            guard Codes.categories.contains(v) else { throw bad(t, "error.category", ["value": String(v.prefix(30))]) }
            f.query.category = v
        }
        for name in ["from", "to"] {
            if let v = value(name) {
                guard v.count == 10, Timestamp(parsing: v) != nil else { throw bad(t, "error.date", ["name": name, "value": String(v.prefix(20))]) }
                if name == "from" { f.query.from = v } else { f.query.to = v }
            }
        }
        if let from = f.query.from, let to = f.query.to, from > to { throw bad(t, "error.period", ["from": from, "to": to]) }
        for name in ["findings", "open"] {
            if let v = value(name) {
                guard v == "yes" || v == "no" else { throw bad(t, "error.yesno", ["name": name]) }
                if name == "findings" { f.findings = v == "yes" } else { f.query.open = v == "yes" }
            }
        }
        if let v = value("page") {
            guard v.count <= 9, let n = Int(v), n >= 1 else { throw bad(t, "error.page") }
            f.page = n
        }
        return f
    }

    struct Listing {
        let cases: [CaseSummary]
        let total: Int
        let page: Int
        let perPage: Int
        let filter: Filter
        let findings: Set<String>?
    }

    func filtered(_ request: Request, _ t: Localizer) throws -> Listing {
        let f = try filter(request, t)
        let findings = console.lastVerify?.casesWithFindings
        if f.findings != nil, findings == nil { throw HTTPError(.serviceUnavailable, message: t("error.verify_pending")) }
        // The case index answers the filter; only the page's summaries are decoded.
        let store = try ProjectionStore(log: console.log)
        let all = try store.scanCases { c -> String? in
            f.query.matches(c) && (f.findings.map { findings!.contains(c.caseID) == $0 } ?? true) ? c.caseID : nil
        }
        let per = config.pageSize
        let start = (f.page - 1) * per
        let slice = start < all.count ? try store.caseSummaries(Array(all[start..<min(all.count, start + per)])) : []
        return Listing(cases: slice, total: all.count, page: f.page, perPage: per, filter: f, findings: findings)
    }

    static func listJSON(_ l: Listing) -> JSONValue {
        .object([
            "cases": .array(l.cases.map(\.json)), "total": .number(Double(l.total)), "page": .number(Double(l.page)),
            "per_page": .number(Double(l.perPage)),
        ])
    }

    /// The case list as its template reads it.
    struct CasesView {
        let title: String
        let selects: [Select]
        let fromLabel, from, toLabel, to: String
        let lang: String?
        let apply, clear, showing: String
        let header: [String]
        let rows: [Row]
        let hasPaging: Bool
        let previous, next: PageLink?
        let both: Bool

        struct Select {
            let label, name, any: String
            let options: [Option]
            /// The period's two dates come after the category.
            let afterCategory: Bool
        }
        struct Option {
            let value, label: String
            let selected: Bool
        }
        struct Row {
            let id, status, requesting, assisting, location, category, filed: String
            /// "yes" when the last verify found something in the case; else `unflagged` ("no",
            /// or "…" while no verify has run).
            let flagged: String?
            let unflagged: String
        }
        struct PageLink {
            let href, label: String
        }
    }

    func casesPage(_ request: Request, _ t: Localizer) throws -> String {
        let l = try filtered(request, t)
        let f = l.filter
        func select(_ name: String, _ label: String, _ values: [(String, String)], _ selected: String?) -> CasesView.Select {
            CasesView.Select(
                label: t(label), name: name, any: t("filter.any"),
                options: values.map { CasesView.Option(value: $0.0, label: $0.1, selected: $0.0 == selected) }, afterCategory: name == "category")
        }
        let states = Codes.memberStates.map { ($0, t.label($0)) }
        let yesNo = [("yes", t("filter.yes")), ("no", t("filter.no"))]
        let selects = [
            select("requesting", "filter.requesting", states, f.query.requesting), select("assisting", "filter.assisting", states, f.query.assisting),
            select("status", "filter.status", CaseStatus.allCases.map { ($0.rawValue, Pages.status(t, $0.rawValue)) }, f.query.status),
            select("category", "filter.category", Codes.categories.map { ($0, Pages.category(t, $0)) }, f.query.category),
            select("findings", "filter.findings", yesNo, f.findings.map { $0 ? "yes" : "no" }),
            select("open", "filter.open", yesNo, f.query.open.map { $0 ? "yes" : "no" }),
        ]
        // A page past the last shows "0 to 0 of N", not a range beyond the list.
        let first = l.cases.isEmpty ? 0 : (l.page - 1) * l.perPage + 1
        // Paging links keep the filters.
        func link(_ page: Int) -> String {
            var items = request.uri.queryParameters.filter { $0.key != "page" }.map { "\($0.key)=\(Pages.percent(String($0.value)))" }.sorted()
            items.append("page=\(page)")
            return "/cases?" + items.joined(separator: "&")
        }
        let previous = l.page > 1 ? CasesView.PageLink(href: link(l.page - 1), label: t("paging.previous")) : nil
        let next = l.page * l.perPage < l.total ? CasesView.PageLink(href: link(l.page + 1), label: t("paging.next")) : nil
        let view = CasesView(
            title: t("cases.title"), selects: selects, fromLabel: t("filter.from"), from: f.query.from ?? "", toLabel: t("filter.to"), to: f.query.to ?? "",
            lang: request.uri.queryParameters["lang"] != nil ? t.language.rawValue : nil, apply: t("filter.apply"), clear: t("filter.clear"),
            showing: t(
                "cases.showing",
                ["first": String(first), "last": String(first + l.cases.count - (l.cases.isEmpty ? 0 : 1)), "total": String(l.total)]),
            header: [
                t("cases.case"), t("cases.status"), t("cases.requesting"), t("cases.assisting"), t("cases.location"), t("cases.category"),
                t("cases.filed"), t("cases.findings"),
            ],
            rows: l.cases.map { c in
                CasesView.Row(
                    id: c.caseID, status: Pages.status(t, c.status), requesting: t.label(c.requesting), assisting: Pages.stateName(t, c.assisting),
                    location: [c.locationCity, c.locationCountry.map { t.label($0) }].compactMap { $0 }.joined(separator: ", "),
                    category: Pages.category(t, c.category), filed: c.filed ?? "–",
                    flagged: l.findings?.contains(c.caseID) == true ? t("filter.yes") : nil, unflagged: l.findings == nil ? "…" : t("filter.no"))
            }, hasPaging: previous != nil || next != nil, previous: previous, next: next, both: previous != nil && next != nil)
        return Pages.page(request, t, title: t("cases.title"), template: "cases", view: view)
    }
}

// The case list's rows and options list their fields (no reflection for the most numerous values).
extension Routes.CasesView.Row: TemplateFields {
    package var templateFields: [String: Any] {
        [
            "id": id, "status": status, "requesting": requesting, "assisting": assisting, "location": location, "category": category,
            "filed": filed, "flagged": flagged.map { $0 as Any } ?? Templates.null, "unflagged": unflagged,
        ]
    }
}
extension Routes.CasesView.Option: TemplateFields {
    package var templateFields: [String: Any] { ["value": value, "label": label, "selected": selected] }
}
