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
    ///
    /// The view is first turned into dictionaries, one reflection of each value: the library
    /// would otherwise reflect a value at every name it looks up (a case list: thousands of times).
    /// A nil field becomes ``Null``: it renders as nothing and is false in a section, instead of
    /// sending the look-up on to the enclosing views.
    package func render(_ view: Any, _ name: String) -> String {
        guard let text = library.render(Templates.tree(view), withTemplate: name) else { preconditionFailure("no template \(name)") }
        return text
    }

    /// `value` as the library reads it fastest: a struct as a dictionary of its stored properties,
    /// an array element by element, nil as ``Null``; text, numbers and truth values as they are.
    /// A ``TemplateFields`` conformance converts its nested values with it.
    /// - Complexity: one reflection of each struct in the view.
    package static func tree(_ value: Any) -> Any {
        switch value {
        case is String, is Bool, is Int, is UInt64, is Double: return value
        case let view as any TemplateFields: return view.node
        case let array as [Any]: return array.map(tree)
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional: return mirror.children.first.map { tree($0.value) } ?? Null()
            case .struct, .class:
                var fields: [String: Any] = [:]
                for child in mirror.children { if let label = child.label { fields[label] = tree(child.value) } }
                return Fields(fields)
            default: return value
            }
        }
    }

    /// The value of a field that has none (``Null``).
    package static var null: Any { Null() }

    /// `value`, or ``Null`` when there is none.
    package static func optional(_ value: Any?) -> Any { value.map(tree) ?? Null() }

    /// A field without a value: nothing when rendered, false in a section.
    struct Null: MustacheCustomRenderable {
        var renderText: String { "" }
        var isNull: Bool { true }
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

/// A view value that lists its fields itself, nested values already converted (dictionaries,
/// arrays of them, text, numbers, truth values, ``Templates/Null``): a large view (the meeting
/// report) skips reflection. Every field its templates read must be listed.
package protocol TemplateFields {
    var templateFields: [String: Any] { get }
}

extension TemplateFields {
    /// The value as a template reads it.
    var node: Fields { Fields(templateFields) }
}

/// A view value's fields by name, as the library looks them up (``MustacheParent``): a plain type,
/// which the library's look-up recognises faster than a dictionary (a conditional conformance).
struct Fields: MustacheParent {
    let values: [String: Any]
    init(_ values: [String: Any]) { self.values = values }
    func child(named name: String) -> Any? { values[name] }
}
