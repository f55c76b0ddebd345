import Agreement
import Ledger
import Projections

/// `amparo cases`: the list of cases.
public enum CasesReport {
    public static func rows(_ cases: [CaseSummary]) -> [[String]] {
        [["CASE", "STATUS", "REQUESTING", "ASSISTING", "LOCATION", "CATEGORY", "FILED", "CONCLUDED", "OUTCOME"]]
            + cases.map { c in
                [
                    c.caseID, c.status, c.requesting, c.assisting ?? "-", [c.locationCity, c.locationCountry].compactMap { $0 }.joined(separator: ", "),
                    c.category ?? "-", c.filed ?? "-", c.concluded ?? "-", c.outcome ?? "-",
                ]
            }
    }

    public static func json(_ cases: [CaseSummary]) -> JSONValue { .array(cases.map(\.json)) }
}
