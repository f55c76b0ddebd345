import Agreement
import Crypto
import Foundation
import L10n
import Ledger
import Projections

extension MeetingReport {
    /// The report's stylesheet (prints on A4): inline in ``html()``, a file in the console.
    package static let stylesheet = """
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
    package static let stylesheetHash = "sha256-" + Data(SHA256.hash(data: Array(("\n" + stylesheet).utf8))).base64EncodedString()

    /// One self-contained HTML file: inline CSS (prints on A4) and inline SVG bar charts.
    package func html() -> String {
        let title = (isAgenda ? t("report.html_title.agenda") : "") + t("report.html_title", ["place": place, "date": t.longDate(m.date)])
        return Templates.shared.render(Page(language: t.language.rawValue, title: title, stylesheet: MeetingReport.stylesheet, body: view), "report")
    }

    /// The report's content without the page around it: what the console shows.
    package func htmlBody() -> String { Templates.shared.render(view, "report-body") }

    /// The standalone page around the report (template `report`).
    struct Page {
        let language: String
        let title: String
        let stylesheet: String
        let body: View
    }

    /// The report as its templates read it.
    package struct View {
        let organisation, group, heading, place, date, opening, lead: String
        let items: [Item]
        /// The next meeting's sentence; none when the ledger knows none.
        let closing: [String]
        let legend, footer: String

        struct Item {
            let number: Int
            let title: String
            let paragraphs: [Paragraph]
            let table: TableView?
            let chart: Charts.View?
            let list: [String]
            /// Stored: templates read stored properties only (by reflection).
            let hasList: Bool
        }

        /// A paragraph's text, with `amparo verify` set as code.
        struct Paragraph {
            let segments: [Segment]
            init(_ text: String) {
                // Most paragraphs hold no code: no search through them.
                guard text.utf8.contains(UInt8(ascii: "`")) else {
                    segments = text.isEmpty ? [] : [Segment(text: text, code: false)]
                    return
                }
                var segments: [Segment] = []
                var rest = Substring(text)
                while let r = rest.range(of: "`amparo verify`") {
                    segments.append(Segment(text: String(rest[..<r.lowerBound]), code: false))
                    segments.append(Segment(text: "amparo verify", code: true))
                    rest = rest[r.upperBound...]
                }
                segments.append(Segment(text: String(rest), code: false))
                self.segments = segments.filter { $0.code || !$0.text.isEmpty }
            }
        }

        struct Segment {
            let text: String
            let code: Bool
        }
    }

    /// The report's view: every text already in the reader's language.
    package var view: View {
        View(
            organisation: t("report.org.rcm"), group: t("report.org.rcgm"), heading: heading, place: place, date: t.longDate(m.date),
            opening: opening, lead: lead,
            items: items.enumerated().map { n, item in
                let table = item.table.flatMap { $0.rowLabels.isEmpty ? nil : $0 }
                return View.Item(
                    number: n + 1, title: item.title, paragraphs: item.paragraphs.map(View.Paragraph.init), table: table.map(TableView.init),
                    chart: table.map { t in
                        t.columnLabels.count == 3
                            ? chart(
                                t, title: self.t("report.chart.per_state", ["title": t.title.prefix(1).lowercased() + t.title.dropFirst()]),
                                series: [0, 1, 2], colors: ["#1f5f8b", "#e08a1e", "#2e7d5b"])
                            : categoryChart(t)
                    }, list: item.list, hasList: !item.list.isEmpty)
            }, closing: closing.isEmpty ? [] : [closing], legend: legend, footer: t("report.footer.html", ["events": t.count(Int(data.events), "count.event")]))
    }

    /// A count table as published: header, rows, the total row last; hidden cells marked.
    struct TableView {
        let header: [String]
        let rows: [Row]
        struct Row {
            let total: Bool
            let cells: [Cell]
        }
        struct Cell {
            let text: String
            let hidden: Bool
        }

        init(_ t: CountTable) {
            let rows = t.published
            header = rows[0]
            self.rows = rows.dropFirst().enumerated().map { r, row in
                Row(total: r == rows.count - 2, cells: row.enumerated().map { c, cell in Cell(text: cell, hidden: c > 0 && t.extendedHidden[r][c - 1]) })
            }
        }
    }

    /// Horizontal grouped bars per State (requested and assisted); suppressed cells draw no bar.
    func chart(_ t: CountTable, title: String, series: [Int], colors: [String]) -> Charts.View {
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
    func chart(labels: [String], values: [[Int]], hidden: [[String?]], series: [String], title: String, colors: [String]) -> Charts.View {
        Charts.view(
            labels: labels, values: values, hidden: hidden, series: series, title: title, colors: colors,
            empty: t("report.chart.none", ["title": title, "min": String(minimum)]))
    }

    /// One bar per category: the table's column totals, hidden where the table hides them.
    func categoryChart(_ t: CountTable) -> Charts.View {
        let hidden = t.labels.last!.dropLast().map { mark($0) }
        return chart(
            labels: t.columnLabels.map { $0.prefix(1).uppercased() + $0.dropFirst() }, values: t.columnTotals.map { [$0] },
            hidden: hidden.map { [$0] }, series: [self.t("report.chart.cases")], title: self.t("report.by_category"), colors: ["#2e7d5b"])
    }
}

/// Horizontal grouped bar charts in inline SVG, for the reports and the console.
package enum Charts {
    /// Horizontal grouped bars, rendered (template `chart`).
    package static func bars(
        labels: [String], values: [[Int]], hidden: [[String?]]? = nil, series: [String], title: String, colors: [String], empty: String
    ) -> String {
        Templates.shared.render(view(labels: labels, values: values, hidden: hidden, series: series, title: title, colors: colors, empty: empty), "chart")
    }

    /// A chart as its template reads it: either one sentence (`empty`) or the drawing (`svg`).
    package struct View {
        let empty: String?
        let svg: SVG?

        struct SVG {
            let width, height: Int
            let title: String
            let legend: [Legend]
            let rows: [Row]
        }
        struct Legend {
            let x, textX: Int
            let color, label: String
        }
        struct Row {
            let labelX: Int
            let labelY, label: String
            let bars: [Bar]
        }
        /// A bar, or the mark of a hidden value in its place.
        struct Bar {
            let mark: String?
            let markX: Int
            let x: Int
            let y, width, height, color, textX, textY: String
            let value: Int
        }
    }

    /// Horizontal grouped bars; a hidden value (`hidden[row][series]` not nil) draws no bar and
    /// reads as that mark. Only the series with at least one shown value above zero are drawn, and
    /// the legend lists exactly those; when there is none, `empty` replaces the chart. Text is 12 to
    /// 14 units on a 640-unit canvas, which prints about as large as the table beside it.
    package static func view(
        labels: [String], values: [[Int]], hidden: [[String?]]? = nil, series: [String], title: String, colors: [String], empty: String
    ) -> View {
        let hidden = hidden ?? values.map { $0.map { _ in nil } }
        let drawn = series.indices.filter { k in labels.indices.contains { hidden[$0][k] == nil && values[$0][k] > 0 } }
        guard !drawn.isEmpty else { return View(empty: empty, svg: nil) }
        let barH = 16.0
        let gap = 10.0
        let left = 170.0
        let width = 640.0
        let visible = zip(values.joined(), hidden.joined()).filter { $0.1 == nil }.map(\.0)
        let maxValue = max(1, visible.max() ?? 1)
        let groupH = Double(drawn.count) * barH + gap
        let height = 46 + Double(labels.count) * groupH + 10
        let legend = drawn.enumerated().map { i, k in
            View.Legend(x: Int(left) + i * 130, textX: Int(left) + 17 + i * 130, color: colors[k], label: series[k])
        }
        let rows = labels.enumerated().map { r, label in
            let y0 = 46 + Double(r) * groupH
            return View.Row(
                labelX: Int(left) - 8, labelY: fmt(y0 + Double(drawn.count) * barH / 2 + 4), label: label,
                bars: drawn.enumerated().map { i, k in
                    let y = y0 + Double(i) * barH
                    let n = values[r][k]
                    let w = (width - left - 40) * Double(n) / Double(maxValue)
                    return View.Bar(
                        mark: hidden[r][k], markX: Int(left) + 3, x: Int(left), y: fmt(y), width: fmt(w), height: fmt(barH - 2), color: colors[k],
                        textX: fmt(left + w + 4), textY: fmt(y + barH - 4), value: n)
                })
        }
        return View(empty: nil, svg: View.SVG(width: Int(width), height: Int(height), title: title, legend: legend, rows: rows))
    }

    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }
}

// The report's values list their fields themselves (``TemplateFields``), nested values already
// converted: making the tree takes no reflection and no dynamic cast (2,256 paragraphs at 2,000
// cases).
extension MeetingReport.Page: TemplateFields {
    package var templateFields: [String: Any] { ["language": language, "title": title, "stylesheet": stylesheet, "body": body.node] }
}
extension MeetingReport.View: TemplateFields {
    package var templateFields: [String: Any] {
        [
            "organisation": organisation, "group": group, "heading": heading, "place": place, "date": date, "opening": opening, "lead": lead,
            "items": items.map(\.node), "closing": closing, "legend": legend, "footer": footer,
        ]
    }
}
extension MeetingReport.View.Item: TemplateFields {
    package var templateFields: [String: Any] {
        [
            "number": number, "title": title, "paragraphs": paragraphs.map(\.node),
            "table": table.map { $0.node } ?? Templates.null, "chart": chart.map { $0.node } ?? Templates.null,
            "list": list, "hasList": hasList,
        ]
    }
}
extension MeetingReport.View.Paragraph: TemplateFields {
    /// A paragraph without code is its text alone (`plain`): one look-up instead of four.
    package var templateFields: [String: Any] {
        segments.count == 1 && !segments[0].code ? ["plain": segments[0].text] : ["segments": segments.map(\.node), "plain": Templates.null]
    }
}
extension MeetingReport.View.Segment: TemplateFields {
    package var templateFields: [String: Any] { ["text": text, "code": code] }
}
extension MeetingReport.TableView: TemplateFields {
    package var templateFields: [String: Any] { ["header": header, "rows": rows.map(\.node)] }
}
extension MeetingReport.TableView.Row: TemplateFields {
    package var templateFields: [String: Any] { ["total": total, "cells": cells.map(\.node)] }
}
extension MeetingReport.TableView.Cell: TemplateFields {
    package var templateFields: [String: Any] { ["text": text, "hidden": hidden] }
}
extension Charts.View: TemplateFields {
    package var templateFields: [String: Any] {
        ["empty": empty.map { $0 as Any } ?? Templates.null, "svg": svg.map { $0.node } ?? Templates.null]
    }
}
extension Charts.View.SVG: TemplateFields {
    package var templateFields: [String: Any] {
        ["width": width, "height": height, "title": title, "legend": legend.map(\.node), "rows": rows.map(\.node)]
    }
}
extension Charts.View.Legend: TemplateFields {
    package var templateFields: [String: Any] { ["x": x, "textX": textX, "color": color, "label": label] }
}
extension Charts.View.Row: TemplateFields {
    package var templateFields: [String: Any] { ["labelX": labelX, "labelY": labelY, "label": label, "bars": bars.map(\.node)] }
}
extension Charts.View.Bar: TemplateFields {
    package var templateFields: [String: Any] {
        [
            "mark": mark.map { $0 as Any } ?? Templates.null, "markX": markX, "x": x, "y": y, "width": width, "height": height,
            "color": color, "textX": textX, "textY": textY, "value": value,
        ]
    }
}
