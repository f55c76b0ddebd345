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
    // MARK: Meetings

    /// The meetings as their template reads them.
    struct MeetingsView {
        let title, none: String
        let hasMeetings: Bool
        let header: [String]
        let meetings: [Row]
        struct Row {
            let id, date, place, state: String
            let presented: Int
        }
    }

    func meetingsPage(_ request: Request, _ t: Localizer) throws -> String {
        let meetings = try ProjectionStore(log: console.log).meetings()
        let view = MeetingsView(
            title: t("meetings.title"), none: t("meetings.none"), hasMeetings: !meetings.isEmpty,
            header: [t("meetings.meeting"), t("meetings.date"), t("meetings.place"), t("meetings.state"), t("meetings.presented")],
            meetings: meetings.map { m in
                MeetingsView.Row(
                    id: m.id, date: t.longDate(m.date), place: [m.city, m.country.map { t.label($0) }].compactMap { $0 }.joined(separator: ", "),
                    state: t(m.held ? "meetings.held" : "meetings.scheduled"), presented: m.presented.count)
            })
        return Pages.page(request, t, title: t("meetings.title"), template: "meetings", view: view)
    }

    func report(_ t: Localizer, _ id: String) throws -> MeetingReport {
        let store = try ProjectionStore(log: console.log)
        guard try store.meetings(withPresented: false).contains(where: { $0.id == id }) else {
            throw HTTPError(.notFound, message: t("error.no_meeting", ["id": id]))
        }
        return try MeetingReport(try MeetingReportData.make(store: store, meetingID: id), minCell: config.minCell, language: t.language)
    }

    /// One meeting's report, with its downloads, as its template reads it.
    struct MeetingView {
        let id, language, download: String
        let files: [File]
        let minCell: String
        /// The report's body, rendered by the Reports' template (HTML already).
        let report: String
        struct File {
            let format, label: String
            let last: Bool
        }
    }

    func meetingPage(_ request: Request, _ t: Localizer, _ id: String) throws -> String {
        let r = try report(t, id)
        let view = MeetingView(
            id: id, language: t.language.rawValue, download: t("meetings.download"),
            files: ["md", "html", "json"].map { MeetingView.File(format: $0, label: $0.uppercased(), last: $0 == "json") },
            minCell: t("meetings.min_cell", ["n": String(config.minCell)]), report: r.htmlBody())
        return Pages.page(request, t, title: r.heading, template: "meeting", view: view, extraCSS: "/assets/report.css")
    }

    func download(_ request: Request, _ id: String, _ file: String) throws -> Response {
        let t = localizer(request)
        let types = ["report.md": "text/markdown; charset=utf-8", "report.html": "text/html; charset=utf-8", "report.json": "application/json"]
        guard let type = types[file] else { throw HTTPError(.notFound, message: t("error.not_found")) }
        _ = try console.projections()
        let r = try console.log.snapshot { try report(t, id) }
        let text: String
        switch file {
        case "report.md": text = r.markdown()
        case "report.html": text = r.html()
        default: text = CanonicalJSON.string(r.json()) + "\n"
        }
        var response = Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentDisposition] = "attachment; filename=\"\(id)-\(t.language.rawValue).\(file.split(separator: ".").last!)\""
        if file == "report.html" {
            // The standalone report carries its stylesheet inline: allow exactly that one.
            response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src '\(MeetingReport.stylesheetHash)'; img-src data:; frame-ancestors 'none'"
        }
        return response
    }

    // MARK: Workload and verify (JSON)

    func workloadJSON(_ request: Request, _ t: Localizer) throws -> JSONValue {
        let f = try filter(request, t)
        return try WorkloadReport.load(try ProjectionStore(log: console.log), from: f.query.from, to: f.query.to).json()
    }

    func verifyJSON() throws -> JSONValue {
        guard let run = console.lastVerify else { return .object(["status": .string("pending")]) }
        // The forks as this node holds their evidence now (as `amparo verify` reads them).
        let forks = try PeerStore(log: console.log).forks()
        let origins = Set(forks.map(\.origin)).sorted()
        return .object([
            "status": .string(run.breaches.isEmpty && forks.isEmpty ? "ok" : "findings"), "events": .number(Double(run.events)),
            "finished": .string(ISO8601DateFormatter().string(from: run.finished)), "breaches": .array(run.breaches.map(\.json)),
            "forks": .array(origins.map(JSONValue.string)), "pending": .array(run.pending.map(\.json)),
        ])
    }
}
