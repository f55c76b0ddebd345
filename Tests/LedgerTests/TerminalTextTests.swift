import Foundation
import Testing

@testable import Ledger

/// `TerminalText.safe` works on UTF-8 bytes; this reference works on Unicode scalars, as the
/// function's documentation states the rule. They must agree on any text.
@Suite("Text made safe for a terminal")
struct TerminalTextTests {
    static func reference(_ text: String, keepNewlines: Bool) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = ""
        for (i, scalar) in scalars.enumerated() {
            let v = scalar.value
            if v == 0x0D, keepNewlines, i + 1 < scalars.count, scalars[i + 1] == "\n" {
                out.unicodeScalars.append(scalar)
            } else if v == 0x0A {
                out += keepNewlines ? "\n" : " "
            } else if (v < 0x20 && v != 0x09) || (0x7F...0x9F).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F
                || (0x2028...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            {
                out += String(format: "\\u%04x", v)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Every character the rule names, its neighbours on both sides, and ordinary text.
    static let alphabet: [Unicode.Scalar] =
        [
            0x00, 0x07, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xE9, 0xF1, 0x061B, 0x061C, 0x061D, 0x200D, 0x200E,
            0x200F, 0x2010, 0x2014, 0x2027, 0x2028, 0x202E, 0x202F, 0x2065, 0x2066, 0x2069, 0x206A, 0x20AC, 0x1F600,
        ]
        .compactMap(Unicode.Scalar.init)

    @Test("agrees with the rule, scalar by scalar, on random text of every character it names and their neighbours")
    func agreesWithTheRule() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &rng) { s.append(TerminalTextTests.alphabet.randomElement(using: &rng)!) }
            let text = String(s)
            for keep in [true, false] {
                #expect(TerminalText.safe(text, keepNewlines: keep) == TerminalTextTests.reference(text, keepNewlines: keep), "\(Array(text.unicodeScalars))")
            }
        }
    }

    @Test("clean text comes back as it is; the Trojan Source set and escapes are written out")
    func examples() {
        #expect(TerminalText.safe("Ciudad de México — 2015\tok", keepNewlines: false) == "Ciudad de México — 2015\tok")
        #expect(TerminalText.safe("a\u{1B}[2Jb", keepNewlines: true) == "a\\u001b[2Jb")
        #expect(TerminalText.safe("x\u{202E}y\u{2066}z\u{85}", keepNewlines: true) == "x\\u202ey\\u2066z\\u0085")
        #expect(TerminalText.safe("a\r\nb\rc\nd", keepNewlines: true) == "a\r\nb\\u000dc\nd")
        #expect(TerminalText.safe("a\r\nb", keepNewlines: false) == "a\\u000d b")
    }
}
