import Foundation

/// Text from any input (a bundle, a peer's answer, a draft, a file name) made safe to write to a
/// terminal: used by every line the command line and the console's background work print.
public enum TerminalText {
    /// `text` with every character that could act on a terminal written as `\u001b`-style
    /// escapes (valid in JSON strings too): C0 controls but tab (and newline and CRLF when
    /// `keepNewlines`; otherwise newlines become spaces), DEL, C1 controls, the line and paragraph
    /// separators, and the bidirectional formatting characters (the "Trojan Source" set).
    public static func safe(_ text: String, keepNewlines: Bool) -> String {
        var out = String.UnicodeScalarView()
        var changed = false
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            let v = scalar.value
            // CRLF line ends (CSV) stay as they are on standard output.
            if v == 0x0D, keepNewlines, i + 1 < scalars.count, scalars[i + 1] == "\n" {
                out.append(scalar)
                continue
            }
            if v == 0x0A {
                if keepNewlines {
                    out.append(scalar)
                } else {
                    out.append(" ")
                    changed = true
                }
                continue
            }
            let unsafe =
                (v < 0x20 && v != 0x09) || (0x7F...0x9F).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F
                || (0x2028...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            if unsafe {
                changed = true
                out.append(contentsOf: String(format: "\\u%04x", v).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return changed ? String(out) : text
    }
}
