import Agreement
import L10n
import Ledger
import Projections

/// `amparo cases`: the list of cases.
package enum CasesReport {
    /// The header and one row per case. In English the values are the codes, as stored; in
    /// another language the status, category and outcome are in its words.
    package static func rows(_ cases: [CaseSummary], language: Language = .en) -> [[String]] {
        let t = Localizer(language)
        func words(_ prefix: String, _ code: String?) -> String {
            guard let code else { return "-" }
            return language == .en || !t.has(prefix + code) ? code : t(prefix + code)
        }
        let header = ["case", "status", "requesting", "assisting", "location", "category", "filed", "concluded", "outcome"].map { t("table." + $0) }
        return [header]
            + cases.map { c in
                [
                    c.caseID, words("status.", c.status), c.requesting, c.assisting ?? "-",
                    [c.locationCity, c.locationCountry].compactMap { $0 }.joined(separator: ", "), words("category.", c.category), c.filed ?? "-",
                    c.concluded ?? "-", words("outcome.", c.outcome),
                ]
            }
    }

    package static func json(_ cases: [CaseSummary]) -> JSONValue { .array(cases.map(\.json)) }
}
