import Agreement
import Crypto
import Foundation
import L10n
import Ledger
import Projections

extension MeetingReport {
    /// The report's stylesheet (prints on A4): inline in ``html()``, a file in the console.
    public static let stylesheet = """
        @page { size: A4; margin: 18mm 16mm; }
        body { font-family: "Liberation Serif", "Times New Roman", serif; font-size: 11.5pt; line-height: 1.45; color: #1a1a1a; max-width: 178mm; margin: 12mm auto; }
        header { text-align: center; border-bottom: 2px solid #1f5f8b; padding-bottom: 6mm; margin-bottom: 6mm; }
        .org { font-variant: small-caps; letter-spacing: .04em; color: #444; margin: 0 0 3mm; }
        h1 { font-size: 16pt; margin: 0 0 3mm; }
        .place { font-weight: bold; margin: 0; }
        h2 { font-size: 12.5pt; margin: 5mm 0 2mm; color: #1f5f8b; }
        ol.items > li { margin-bottom: 4mm; page-break-inside: avoid; }
        ol.items > li::marker { font-weight: bold; color: #1f5f8b; }
        p { margin: 1.5mm 0; }
        table { border-collapse: collapse; margin: 3mm 0; font-size: 10pt; font-family: "Liberation Sans", Arial, sans-serif; }
        th, td { border: 1px solid #b8c4ce; padding: 1mm 2.5mm; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        thead th { background: #e8eef3; }
        tr.total td { font-weight: bold; background: #f4f6f8; }
        td.hidden { color: #8a6d00; background: #fff8e1; }
        svg { display: block; margin: 2mm 0 4mm; max-width: 100%; height: auto; font-family: "Liberation Sans", Arial, sans-serif; }
        p.no-chart { font-style: italic; color: #555; }
        footer { border-top: 1px solid #ccc; margin-top: 8mm; padding-top: 2mm; font-size: 9pt; color: #555; }
        code { font-size: 10pt; }
        @media print { body { margin: 0; max-width: none; } a { color: inherit; } }
        """ + "\n"

    /// `sha256-…` of the `<style>` element's text (a newline, then ``stylesheet``): the Content-Security-Policy source that allows exactly the
    /// inline stylesheet of ``html()``.
    public static let stylesheetHash = "sha256-" + Data(SHA256.hash(data: Array(("\n" + stylesheet).utf8))).base64EncodedString()

    /// One self-contained HTML file: inline CSS (prints on A4) and inline SVG bar charts.
    public func html() -> String {
        let e = Render.html
        let title = (isAgenda ? t("report.html_title.agenda") : "") + t("report.html_title", ["place": place, "date": t.longDate(m.date)])
        return """
            <!DOCTYPE html>
            <html lang="\(t.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <title>\(e(title))</title>
            <style>
            \(MeetingReport.stylesheet)</style>
            </head>
            <body>
            \(htmlBody())</body>
            </html>

            """
    }

    /// The report's content without the page around it: what the console shows.
    public func htmlBody() -> String {
        let e = Render.html
        var body = """
            <header>
            <p class="org">\(e(t("report.org.rcm")))<br>\(e(t("report.org.rcgm")))</p>
            <h1>\(e(heading))</h1>
            <p class="place">\(e(place))<br>\(e(t.longDate(m.date)))</p>
            </header>
            <p>\(e(opening))</p>
            <p>\(e(lead))</p>
            <ol class="items">

            """
        for (n, item) in items.enumerated() {
            body += "<li id=\"item-\(n + 1)\"><h2>\(e(item.title))</h2>\n"
            for p in item.paragraphs { body += "<p>\(e(p).replacingOccurrences(of: "`amparo verify`", with: "<code>amparo verify</code>"))</p>\n" }
            if let t = item.table, !t.rowLabels.isEmpty {
                body += table(t)
                if t.columnLabels.count == 3 {
                    body += chart(
                        t, title: self.t("report.chart.per_state", ["title": t.title.prefix(1).lowercased() + t.title.dropFirst()]), series: [0, 1, 2],
                        colors: ["#1f5f8b", "#e08a1e", "#2e7d5b"])
                } else {
                    body += categoryChart(t)
                }
            }
            if !item.list.isEmpty { body += "<ul>" + item.list.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n" }
            body += "</li>\n"
        }
        body += "</ol>\n<footer>\(e(legend)) \(e(t("report.footer.html", ["n": String(data.events)])))</footer>\n"
        return body
    }

    func table(_ t: CountTable) -> String {
        let e = Render.html
        let rows = t.published
        var out = "<table>\n<thead><tr>" + rows[0].map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (r, row) in rows.dropFirst().enumerated() {
            let isTotal = r == rows.count - 2
            out += "<tr\(isTotal ? " class=\"total\"" : "")>"
            for (c, cell) in row.enumerated() {
                let hidden = c > 0 && t.extendedHidden[r][c - 1]
                out += "<td\(hidden ? " class=\"hidden\"" : "")>\(e(cell))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// Horizontal grouped bars per State (requested and assisted); suppressed cells draw no bar.
    func chart(_ t: CountTable, title: String, series: [Int], colors: [String]) -> String {
        chart(
            labels: t.rowLabels, values: t.counts.map { row in series.map { row[$0] } },
            hidden: t.labels.dropLast().map { row in series.map { mark(row[$0]) } }, series: series.map { t.columnLabels[$0] }, title: title,
            colors: colors)
    }

    /// How a hidden value reads in a chart ("<5" or "x"); nil when shown.
    func mark(_ label: Suppression.Label) -> String? {
        label == .shown ? nil : Suppression.cell(0, label: label, minimum: minimum)
    }

    /// Horizontal grouped bars; a suppressed value draws no bar and reads "<N". Only the series
    /// with at least one shown value above zero are drawn, and the legend lists exactly those;
    /// when there is none, one sentence replaces the chart. Text is 12 to 14 units on a 640-unit
    /// canvas, which prints about as large as the table beside it.
    func chart(labels: [String], values: [[Int]], hidden: [[String?]], series: [String], title: String, colors: [String]) -> String {
        Charts.bars(
            labels: labels, values: values, hidden: hidden, series: series, title: title, colors: colors,
            empty: t("report.chart.none", ["title": title, "min": String(minimum)]))
    }

    /// One bar per category: the table's column totals, hidden where the table hides them.
    func categoryChart(_ t: CountTable) -> String {
        let hidden = t.labels.last!.dropLast().map { mark($0) }
        return chart(
            labels: t.columnLabels.map { $0.prefix(1).uppercased() + $0.dropFirst() }, values: t.columnTotals.map { [$0] },
            hidden: hidden.map { [$0] }, series: [self.t("report.chart.cases")], title: self.t("report.by_category"), colors: ["#2e7d5b"])
    }
}

/// Horizontal grouped bar charts in inline SVG, for the reports and the console.
public enum Charts {
    /// Horizontal grouped bars; a hidden value (`hidden[row][series]` not nil) draws no bar and
    /// reads as that mark. Only the series with at least one shown value above zero are drawn, and
    /// the legend lists exactly those; when there is none, `empty` replaces the chart. Text is 12 to
    /// 14 units on a 640-unit canvas, which prints about as large as the table beside it.
    public static func bars(
        labels: [String], values: [[Int]], hidden: [[String?]]? = nil, series: [String], title: String, colors: [String], empty: String
    ) -> String {
        let e = Render.html
        let hidden = hidden ?? values.map { $0.map { _ in nil } }
        let drawn = series.indices.filter { k in labels.indices.contains { hidden[$0][k] == nil && values[$0][k] > 0 } }
        guard !drawn.isEmpty else {
            return "<p class=\"no-chart\">\(e(empty))</p>\n"
        }
        let barH = 16.0
        let gap = 10.0
        let left = 170.0
        let width = 640.0
        let visible = zip(values.joined(), hidden.joined()).filter { $0.1 == nil }.map(\.0)
        let maxValue = max(1, visible.max() ?? 1)
        let groupH = Double(drawn.count) * barH + gap
        let height = 46 + Double(labels.count) * groupH + 10
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(e(title))\">\n"
        out += "<text x=\"0\" y=\"16\" font-size=\"14\" font-weight=\"bold\">\(e(title))</text>\n"
        for (i, k) in drawn.enumerated() {
            out +=
                "<rect x=\"\(Int(left) + i * 130)\" y=\"25\" width=\"12\" height=\"12\" fill=\"\(colors[k])\"/><text x=\"\(Int(left) + 17 + i * 130)\" y=\"36\" font-size=\"12\">\(e(series[k]))</text>\n"
        }
        for (r, label) in labels.enumerated() {
            let y0 = 46 + Double(r) * groupH
            out +=
                "<text x=\"\(Int(left) - 8)\" y=\"\(Charts.fmt(y0 + Double(drawn.count) * barH / 2 + 4))\" font-size=\"12\" text-anchor=\"end\">\(e(label))</text>\n"
            for (i, k) in drawn.enumerated() {
                let y = y0 + Double(i) * barH
                let n = values[r][k]
                if let mark = hidden[r][k] {
                    out += "<text x=\"\(Int(left) + 3)\" y=\"\(Charts.fmt(y + barH - 4))\" font-size=\"12\" fill=\"#8a6d00\">\(e(mark))</text>\n"
                } else {
                    let w = (width - left - 40) * Double(n) / Double(maxValue)
                    out +=
                        "<rect x=\"\(Int(left))\" y=\"\(Charts.fmt(y))\" width=\"\(Charts.fmt(w))\" height=\"\(Charts.fmt(barH - 2))\" fill=\"\(colors[k])\"/>"
                    out += "<text x=\"\(Charts.fmt(left + w + 4))\" y=\"\(Charts.fmt(y + barH - 4))\" font-size=\"12\">\(n)</text>\n"
                }
            }
        }
        return out + "</svg>\n"
    }

    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }
}
