import Mustache

/// HTML rendered from templates (`Templates/*.mustache`, hummingbird-project/swift-mustache) and
/// view values: no HTML is built by concatenating strings in Swift. The templates are embedded in
/// the binary (SwiftPM's `embedInCode`): an installed `amparo` has no file to find at run time.
///
/// Every `{{value}}` is escaped as ``Render/html(_:)`` escapes (`&`, `<`, `>`, `"`): each template
/// opens with `{{% CONTENT_TYPE: HTML4}}`, which names that escaping. `{{{value}}}` is kept for the
/// few values that are HTML already (a stylesheet, a rendered partial).
package struct Templates: Sendable {
    let library: MustacheLibrary

    /// A library of `files` (name → template text), with the Reports' own templates.
    /// - Throws: when a template does not parse (a programming error: the tests render every page).
    package init(_ files: [String: [UInt8]] = [:]) throws {
        Templates.registerEscaping
        var library = MustacheLibrary()
        for (name, bytes) in Templates.reports.merging(files, uniquingKeysWith: { _, new in new }) {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// `view` rendered with the template `name`.
    package func render(_ view: Any, _ name: String) -> String {
        guard let text = library.render(view, withTemplate: name) else { preconditionFailure("no template \(name)") }
        return text
    }

    /// The meeting report (`report`, and `report-body` without the page around it), a count
    /// table (`table`) and a bar chart (`chart`).
    static let reports: [String: [UInt8]] = [
        "report": PackageResources.report_mustache, "report-body": PackageResources.report_body_mustache,
        "table": PackageResources.table_mustache, "chart": PackageResources.chart_mustache,
    ]

    /// The Reports' templates, parsed once.
    static let shared: Templates = {
        do {
            return try Templates()
        } catch {
            preconditionFailure("a report template does not parse: \(error)")
        }
    }()

    private static let registerEscaping: Void = MustacheContentTypes.register(HTML4(), named: "HTML4")

    /// HTML text escaping of the four characters that can end text or an attribute value.
    struct HTML4: MustacheContentType {
        func escapeText(_ text: String) -> String { Render.html(text) }
    }
}
