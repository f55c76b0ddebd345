import Agreement
import Foundation
import Ledger
import Projections
import Reports
import Testing

/// Issue 11's statistics: every hidden count admits at least two values given what is published
/// (shown counts, totals, and the intervals "<5" and "x" state), checked by the audit and, on
/// small tables, by brute force; complementary cells read "x", never "<5"; two consecutive
/// reports cannot be subtracted to recover a hidden count of the period.
@Suite("Suppression audit")
struct AuditTests {
    /// Every table of counts in 0...limit consistent with what `t` publishes.
    func solutions(_ t: CountTable, limit: Int) -> [[[Int]]] {
        let rows = t.rowLabels.count
        let cols = t.columnLabels.count
        var out: [[[Int]]] = []
        var cells = Array(repeating: Array(repeating: 0, count: cols), count: rows)
        func admits(_ n: Int, _ r: Int, _ c: Int) -> Bool {
            switch t.labels[r][c] {
            case .shown: n == t.extended[r][c]
            case .primary: n >= 1 && n < t.minimum
            case .withheld: true
            }
        }
        func fill(_ k: Int) {
            if k == rows * cols {
                let rowTotals = cells.map { $0.reduce(0, +) }
                let colTotals = (0..<cols).map { c in cells.reduce(0) { $0 + $1[c] } }
                for r in 0..<rows where !admits(rowTotals[r], r, cols) { return }
                for c in 0..<cols where !admits(colTotals[c], rows, c) { return }
                if admits(rowTotals.reduce(0, +), rows, cols) { out.append(cells) }
                return
            }
            let (r, c) = (k / cols, k % cols)
            for n in 0...limit where admits(n, r, c) {
                cells[r][c] = n
                fill(k + 1)
            }
        }
        fill(0)
        return out
    }

    @Test("on small random tables, brute force agrees: every hidden cell takes at least two values, and the audit's bounds are exact", arguments: Array(1...60))
    func bruteForce(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        let rows = 2 + Int(rng.next() % 2)
        let cols = 2
        let counts = (0..<rows).map { _ in (0..<cols).map { _ in [0, 1, 2, 3, 4, 5, 6][Int(rng.next() % 7)] } }
        let t = CountTable(title: "t", rows: (0..<rows).map { "r\($0)" }, columns: (0..<cols).map { "c\($0)" }, counts: counts, minimum: 5)
        #expect(t.auditFailures.isEmpty, "\(counts)")
        let all = solutions(t, limit: 14)
        #expect(all.contains(counts), "the truth is a solution")
        for r in 0..<rows {
            for c in 0..<cols where t.labels[r][c] != .shown {
                let values = Set(all.map { $0[r][c] })
                #expect(values.count >= 2, "\(counts): cell \(r),\(c) is pinned to \(values)")
                let bounds = Suppression.bounds(t.extended, labels: t.labels, minimum: 5, entry: (r, c))
                #expect(bounds.lowerBound == values.min(), "\(counts) \(r),\(c): \(bounds) vs \(values.sorted())")
                if t.labels[r][c] == .primary { #expect(bounds.upperBound == values.max()) }
            }
        }
        // "<5" is only ever a count from 1 to 4.
        for r in 0...rows { for c in 0...cols where t.labels[r][c] == .primary { #expect((1...4).contains(t.extended[r][c])) } }
    }

    @Test(
        "an entry is pinned exactly when its exact bounds are one value: the two-flow test agrees with the search, on random labels that pin and that do not",
        arguments: Array(1...40))
    func pinnedAgreesWithBounds(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &* 7919)
        let rows = 2 + Int(rng.next() % 3)
        let cols = 2 + Int(rng.next() % 3)
        let counts = (0..<rows).map { _ in (0..<cols).map { _ in Int(rng.next() % 9) } }
        let t = CountTable(title: "t", rows: (0..<rows).map { "r\($0)" }, columns: (0..<cols).map { "c\($0)" }, counts: counts, minimum: 5)
        // Labels at random, not the suppression's: many hidden entries are pinned.
        let labels = t.extended.map { row in
            row.map { n -> Suppression.Label in
                switch rng.next() % 3 {
                case 0: n > 0 && n < 5 ? .primary : .shown
                case 1: .withheld
                default: .shown
                }
            }
        }
        var pinned: [String] = []
        for (r, row) in labels.enumerated() {
            for (c, label) in row.enumerated() where label != .shown {
                let b = Suppression.bounds(t.extended, labels: labels, minimum: 5, entry: (r, c))
                if b.lowerBound == b.upperBound { pinned.append("\(r),\(c)") }
            }
        }
        #expect(Suppression.failures(t.extended, labels: labels, minimum: 5).map { "\($0.0),\($0.1)" } == pinned, "\(counts) \(labels)")
        #expect(Suppression.failures(t.extended, labels: labels, minimum: 5, first: true).map { "\($0.0),\($0.1)" } == Array(pinned.prefix(1)))
    }

    @Test("the issue's example: a row <5 <5 <5 with its total, pinned by the old rule, now admits two values per cell")
    func issueExample() {
        // Costa Rica: Requested 1, Assisted 2, Concluded 1 (total 4), beside rows that publish the column totals.
        let counts = [[1, 2, 1], [9, 8, 7], [6, 0, 5]]
        let t = CountTable(title: "t", rows: ["CR", "CA", "MX"], columns: ["Requested", "Assisted", "Concluded"], counts: counts, minimum: 5)
        #expect(t.auditFailures.isEmpty)
        for c in 0..<3 {
            let b = Suppression.bounds(t.extended, labels: t.labels, minimum: 5, entry: (0, c))
            #expect(b.lowerBound < b.upperBound, "column \(c): \(b)")
        }
        // The test can fail: with primary cells alone, the audit finds pinned cells in this table.
        let primaryOnly = t.extended.map { $0.map { n -> Suppression.Label in n > 0 && n < 5 ? .primary : .shown } }
        #expect(!Suppression.failures(t.extended, labels: primaryOnly, minimum: 5).isEmpty, "the test can fail: primary cells alone are pinned")
    }

    @Test("with --min-cell 2, a count of 1 is withheld (x), since \"<2\" would state it")
    func minimumTwo() {
        let t = CountTable(title: "t", rows: ["a", "b"], columns: ["x", "y"], counts: [[1, 3], [4, 5]], minimum: 2)
        #expect(t.labels[0][0] == .withheld)
        #expect(!t.published.joined().contains("<2"))
        #expect(t.auditFailures.isEmpty)
    }

    @Test("every table of every report of the scenario passes the audit; \"<5\" only ever stands for 1 to 4; consecutive reports cannot be subtracted")
    func scenarioReports() throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(events)
        try store.catchUp()
        let held = try store.meetings().filter(\.held)
        var previous: MeetingReport?
        for meeting in held {
            let report = try MeetingReport(try MeetingReportData.make(store: store, meetingID: meeting.id), minCell: 5)
            for t in [report.workloadTable, report.workloadToDateTable, report.categoryTable] {
                #expect(t.auditFailures.isEmpty, "\(meeting.id): \(t.title)")
                for (r, row) in t.labels.enumerated() {
                    for (c, label) in row.enumerated() where label == .primary { #expect((1...4).contains(t.extended[r][c]), "\(meeting.id) \(t.title)") }
                }
            }
            // A count hidden in this period's table is never shown in both cumulative tables.
            if let previous {
                let period = report.workloadTable
                for (r, label) in (period.rowLabels + ["Total"]).enumerated() {
                    for c in 0..<4 where period.labels[r][c] != .shown {
                        let now = report.workloadToDateTable.hiddenRow(label)?[c] ?? true
                        let before = previous.workloadToDateTable.hiddenRow(label)?[c] ?? true
                        #expect(now || before, "\(meeting.id): \(label) column \(c) = cumulative now − cumulative before")
                    }
                }
            }
            previous = report
        }
        #expect(held.count >= 6)
    }
}
