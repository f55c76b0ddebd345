import Foundation
import Logging
import Synchronization

/// swift-log's handler for `serve`: one JSON object per line on standard error, for a log
/// collector (journald, Loki, Elasticsearch): `{"ts":…,"level":…,"label":…,"msg":…}` and the
/// metadata as string members. Nothing personal is ever logged: requests are logged by route and
/// path (case ids, never a query string), sync rounds by peer, refusals by reason.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    let label: String
    let write: @Sendable (String) -> Void

    package init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String,
        line: UInt
    ) {
        var fields: [(String, String)] = [("ts", JSONLogHandler.now()), ("level", level.rawValue), ("label", label), ("msg", message.description)]
        let merged = metadata.merging(explicit ?? [:]) { _, new in new }
        for key in merged.keys.sorted() { fields.append((key, "\(merged[key]!)")) }
        write("{" + fields.map { "\(JSONLogHandler.quoted($0.0)):\(JSONLogHandler.quoted($0.1))" }.joined(separator: ",") + "}\n")
    }

    /// A JSON string: quotes, backslashes and every control character escaped (a value that came
    /// from a peer cannot break the line or act on a terminal).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    private static let lock = Mutex<Void>(())
    package static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
}
