import Agreement
import Foundation
import Ledger
import Projections

/// A table of counts with row and column totals, suppressed for publication.
///
/// The totals are published statistics too: suppression runs on the table extended with its
/// totals column, totals row and grand total, where every row and column is a sum relation
/// (the total equals the sum of the others), so no hidden value — cell or total — is alone in any
/// relation it belongs to.
package struct CountTable: Sendable {
    package let title: String
    package let rowLabels: [String]
    package let columnLabels: [String]
    package let counts: [[Int]]
    package let minimum: Int
    /// (rows + 1) × (columns + 1): the counts with row totals, column totals and the grand total.
    package let extended: [[Int]]
    /// How each entry of ``extended`` is published (``Suppression``).
    package let labels: [[Suppression.Label]]
    /// The hidden-entry mask of ``extended``.
    package var extendedHidden: [[Bool]] { labels.map { $0.map { $0 != .shown } } }
    /// Whether the rows' totals are published (a "Total" column): only where a row's cells add up
    /// to something (cases by category). Suppression treats them as published either way, which
    /// hides no less.
    package let showsRowTotals: Bool

    /// `alsoHide` (rows + 1 × columns + 1) withholds entries whatever their value: a cumulative
    /// table hides what the period's table hides, so that two consecutive reports cannot be
    /// subtracted to recover it.
    package init(
        title: String, rows: [String], columns: [String], counts: [[Int]], minimum: Int, showsRowTotals: Bool = true, alsoHide: [[Bool]]? = nil
    ) {
        self.title = title
        self.showsRowTotals = showsRowTotals
        rowLabels = rows
        columnLabels = columns
        self.counts = counts
        self.minimum = minimum
        let rowTotals = counts.map { $0.reduce(0, +) }
        let columnTotals = columns.indices.map { c in counts.reduce(0) { $0 + $1[c] } }
        extended = zip(counts, rowTotals).map { $0 + [$1] } + [columnTotals + [rowTotals.reduce(0, +)]]
        labels = Suppression.labels(extended, minimum: minimum, alsoHide: alsoHide)
    }

    /// The mask of the interior cells.
    package var hidden: [[Bool]] { extendedHidden.dropLast().map { Array($0.dropLast()) } }
    package var columnTotals: [Int] { Array(extended.last!.dropLast()) }

    /// Rows as published: label, cells, total (when ``showsRowTotals``); then the totals row.
    package var published: [[String]] {
        var out = [[""] + columnLabels + (showsRowTotals ? ["Total"] : [])]
        for (r, row) in extended.enumerated() {
            let label = r < rowLabels.count ? rowLabels[r] : "Total"
            let cells = showsRowTotals ? row.indices : row.indices.dropLast()
            out.append([label] + cells.map { Suppression.cell(row[$0], label: labels[r][$0], minimum: minimum) })
        }
        return out
    }

    /// The entries the published table would pin to one value; empty for a table fit to publish.
    package var auditFailures: [(Int, Int)] { Suppression.failures(extended, labels: labels, minimum: minimum) }

    /// Refuses to publish a table whose audit fails.
    package func check() throws {
        if let (r, c) = auditFailures.first {
            throw LedgerError(
                .corrupt,
                "the table \"\(title)\" would let a hidden count be recovered (row \(r + 1), column \(c + 1)); it is not published (a bug in the suppression: please report it)"
            )
        }
    }

    /// The hidden mask of the row labelled `label` ("Total": the totals row), totals column
    /// included; nil when the table has no such row.
    package func hiddenRow(_ label: String) -> [Bool]? {
        let r = label == "Total" ? rowLabels.count : rowLabels.firstIndex(of: label)
        return r.map { extendedHidden[$0] }
    }

}

/// Text renderings shared by the reports.
package enum Render {
    /// An aligned plain-text table, columns two spaces apart, each line ending in a newline and no
    /// trailing space: the one table renderer of reports and commands. With `numbers` (reports),
    /// every column but the first is right-aligned; without (listings), all are left-aligned.
    package static func text(_ rows: [[String]], numbers: Bool = true) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            var line = row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return numbers && i > 0 ? pad + cell : cell + pad
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// A Markdown table (first row is the header).
    package static func markdown(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var out = "| " + header.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + header.indices.map { $0 == 0 ? " --- |" : " ---: |" }.joined() + "\n"
        for row in rows.dropFirst() { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        return out
    }

    /// RFC 4180 CSV.
    package static func csv(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { cell in
                // RFC 4180: a field holding a comma, a quote, CR or LF is quoted (scalars, not
                // characters: "\r\n" is one Character, equal to neither "\r" nor "\n").
                cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }

    static func escape(_ s: String) -> String { s.utf8.contains(0x7C) ? s.replacingOccurrences(of: "|", with: "\\|") : s }

    /// Minor units as a decimal amount: 35000 → "350.00".
    package static func money(_ minor: Int) -> String {
        String(minor / 100) + "." + String(format: "%02d", abs(minor % 100))
    }

    /// `s` with `&`, `<`, `>` and `"` as character references: one pass over its UTF-8, without
    /// NSString (a meeting report escapes thousands of strings).
    package static func html(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            switch b {
            case 0x26: out.append(contentsOf: Array("&amp;".utf8))
            case 0x3C: out.append(contentsOf: Array("&lt;".utf8))
            case 0x3E: out.append(contentsOf: Array("&gt;".utf8))
            case 0x22: out.append(contentsOf: Array("&quot;".utf8))
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
