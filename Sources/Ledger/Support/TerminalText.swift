import Foundation

/// Text from any input (a bundle, a peer's answer, a draft, a file name) made safe to write to a
/// terminal: used by every line the command line and the console's background work print.
public enum TerminalText {
    /// `text` with every character that could act on a terminal written as `\u001b`-style
    /// escapes (valid in JSON strings too): C0 controls but tab (and newline and CRLF when
    /// `keepNewlines`; otherwise newlines become spaces), DEL, C1 controls, the line and paragraph
    /// separators, and the bidirectional formatting characters (the "Trojan Source" set).
    ///
    /// One pass over the UTF-8 bytes (a multi-megabyte report is printed through it): only the
    /// lead bytes of the characters above are decoded.
    public static func safe(_ text: String, keepNewlines: Bool) -> String {
        let u = Array(text.utf8)
        var out: [UInt8] = []
        var copied = 0  // bytes of `u` before this index are in `out` (once anything changed)
        var changed = false
        func replace(_ from: Int, _ length: Int, with bytes: [UInt8]) {
            if !changed {
                out.reserveCapacity(u.count + 16)
                changed = true
            }
            out += u[copied..<from]
            out += bytes
            copied = from + length
        }
        func escape(_ v: UInt32) -> [UInt8] {
            let hex = Array("0123456789abcdef".utf8)
            return Array("\\u".utf8) + [12, 8, 4, 0].map { hex[Int((v >> UInt32($0)) & 0xF)] }
        }
        var i = 0
        while i < u.count {
            let b = u[i]
            switch b {
            case 0x09, 0x20..<0x7F:
                i += 1
            case 0x0A:
                if !keepNewlines { replace(i, 1, with: [0x20]) }
                i += 1
            case 0x0D where keepNewlines && i + 1 < u.count && u[i + 1] == 0x0A:
                // CRLF line ends (CSV) stay as they are on standard output.
                i += 2
            case 0x00..<0x20, 0x7F:
                replace(i, 1, with: escape(UInt32(b)))
                i += 1
            case 0xC2 where i + 1 < u.count && (0x80...0x9F).contains(u[i + 1]):
                replace(i, 2, with: escape(0x80 | UInt32(u[i + 1] & 0x3F)))
                i += 2
            case 0xD8 where i + 1 < u.count && u[i + 1] == 0x9C:
                replace(i, 2, with: escape(0x061C))
                i += 2
            case 0xE2
            where i + 2 < u.count
                && ((u[i + 1] == 0x80 && [0x8E, 0x8F, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE].contains(u[i + 2]))
                    || (u[i + 1] == 0x81 && (0xA6...0xA9).contains(u[i + 2]))):
                replace(i, 3, with: escape(0x2000 | UInt32(u[i + 1] & 0x3F) << 6 | UInt32(u[i + 2] & 0x3F)))
                i += 3
            default:
                i += 1
            }
        }
        guard changed else { return text }
        out += u[copied...]
        return String(decoding: out, as: UTF8.self)
    }
}
