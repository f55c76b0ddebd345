import Agreement
import Foundation
import HTTPTypes
import Hummingbird
import L10n
import Ledger
import Projections
import Reports
import Service

/// The console's HTML: server-rendered, readable without JavaScript; every text from the catalogs,
/// every value escaped.
enum Pages {
    /// The language of a request: `?lang=`, else the `amparo_lang` cookie (the switch sets it),
    /// else the browser's `Accept-Language`, else the default.
    static func language(_ request: Request, default fallback: Language) -> Language {
        if let q = request.uri.queryParameters["lang"], let l = Language(rawValue: String(q)) { return l }
        if let cookie = request.cookies["amparo_lang"], let l = Language(rawValue: cookie.value) { return l }
        if let accept = request.headers[.acceptLanguage], let l = Language.fromAcceptLanguage(accept) { return l }
        return fallback
    }

    /// The current path with `lang` set: what the language switch links to.
    static func switchLink(_ request: Request, to language: Language) -> String {
        var items = request.uri.queryParameters.filter { $0.key != "lang" }.map { "\($0.key)=\(percent(String($0.value)))" }.sorted()
        items.append("lang=\(language.rawValue)")
        return request.uri.path + "?" + items.joined(separator: "&")
    }

    static func percent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// The page around every page's `main` (template `page`): the navigation, the language
    /// switch, the footer.
    struct Layout {
        let language, title, tagline, navLabel: String
        let extraCSS: String?
        let nav: [Link]
        let switchHref, other, switchLabel, main, footer: String

        struct Link {
            let path, label: String
            let current: Bool
        }
    }

    /// A whole page: `view` rendered with `template` inside the layout.
    static func page(_ request: Request, _ t: Localizer, title: String, template: String, view: Any, extraCSS: String? = nil) -> String {
        let other: Language = t.language == .en ? .es : .en
        let nav = [("/", "nav.dashboard"), ("/cases", "nav.cases"), ("/meetings", "nav.meetings")].map { path, key in
            Layout.Link(path: path, label: t(key), current: request.uri.path == path || (path != "/" && request.uri.path.hasPrefix(path + "/")))
        }
        let layout = Layout(
            language: t.language.rawValue, title: title, tagline: t("brand.tagline"), navLabel: t("nav.label"), extraCSS: extraCSS, nav: nav,
            switchHref: switchLink(request, to: other), other: other.rawValue, switchLabel: t("lang.switch"),
            main: templates.render(view, template), footer: t("footer.readonly"))
        return templates.render(layout, "page")
    }

    /// The console's templates and the Reports' (the chart, the report), parsed once.
    static let templates: Templates = {
        do {
            return try Templates([
                "page": PackageResources.page_mustache, "error": PackageResources.error_mustache, "finding": PackageResources.finding_mustache,
                "dashboard": PackageResources.dashboard_mustache, "cases": PackageResources.cases_mustache, "case": PackageResources.case_mustache,
                "proof": PackageResources.proof_mustache, "meetings": PackageResources.meetings_mustache, "meeting": PackageResources.meeting_mustache,
            ])
        } catch {
            preconditionFailure("a console template does not parse: \(error)")
        }
    }()

    static func html(_ text: String, status: HTTPResponse.Status = .ok, language: Language? = nil, remember: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"]
        if remember, let language { headers[.setCookie] = "amparo_lang=\(language.rawValue); Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An error as the client wants it: JSON under `/api/` and for the tile endpoints' plain text, a
    /// page otherwise. Never a stack trace.
    static func error(_ request: Request, _ t: Localizer, status: HTTPResponse.Status, message: String) -> Response {
        let path = request.uri.path
        if path.hasPrefix("/api/") {
            let body = CanonicalJSON.string(.object(["error": .string(message), "status": .number(Double(status.code))])) + "\n"
            return Response(
                status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        if Guard.isLogPath(path) {
            return Response(
                status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
        }
        let title = t("error.title", ["status": String(status.code)])
        let view = ErrorView(title: title, message: message, home: t("nav.dashboard"))
        return html(page(request, t, title: title, template: "error", view: view), status: status)
    }

    struct ErrorView {
        let title, message, home: String
    }

    // MARK: Pieces

    static func stateName(_ t: Localizer, _ code: String?) -> String {
        guard let code else { return "–" }
        return t.label(code)
    }

    static func status(_ t: Localizer, _ s: String) -> String { t.has("status." + s) ? t("status." + s) : s }
    static func category(_ t: Localizer, _ c: String?) -> String {
        guard let c else { return "–" }
        return t.has("category." + c) ? t("category." + c) : c
    }
    static func eventType(_ t: Localizer, _ type: String) -> String { t.has("event." + type) ? t("event." + type) : type }

    /// A finding as the `finding` template reads it: rule id, the case and event, and what the
    /// rule found in this language (its Article and force first). A finding of the Ledger's
    /// verifier (bytes, signatures) has its sentence in English only: in Spanish the rule's
    /// sentence comes first, then the English one, marked as such.
    struct Finding {
        let rule: String
        let findingCase: String?
        let findingSeq: String?
        let detail: String
        let inEnglish: String?

        init(_ t: Localizer, _ b: Breach, withCase: Bool) {
            rule = b.rule
            findingCase = withCase ? b.caseID : nil
            findingSeq = b.seq.map { t("finding.seq", ["seq": String($0)]) }
            detail = t.breach(b)
            inEnglish = t.language != .en && b.sentence == nil ? t("finding.in_english") + b.message : nil
        }
    }

    static func ago(_ t: Localizer, from date: Date, now: Date = Date()) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 120 { return t("age.seconds", ["n": String(seconds)]) }
        if seconds < 7200 { return t("age.minutes", ["n": String(seconds / 60)]) }
        if seconds < 172_800 { return t("age.hours", ["n": String(seconds / 3600)]) }
        return t.count(seconds / 86_400, "age.days")
    }
}
