import Foundation
import Testing

@testable import Ledger

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    @Test("RFC 8785 §3.2.2: the sample input canonicalises byte for byte")
    func rfcSample() throws {
        let input =
            #"{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}"#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(CanonicalJSON.string(try JSONParser.parse(input)) == expected)
    }

    @Test("RFC 8785 §3.2.3: members sort by UTF-16 code units")
    func rfcSorting() throws {
        let input =
            #"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#
        let expected =
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(CanonicalJSON.string(try JSONParser.parse(input)) == expected)
    }

    // RFC 8785 Appendix B (IEEE 754 bit patterns and their ECMAScript serialisations), checked
    // against node's JSON.stringify.
    static let numbers: [(String, String)] = [
        ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"), ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"), ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ]

    @Test("RFC 8785 Appendix B: numbers in ECMAScript form", arguments: numbers)
    func number(hex: String, expected: String) {
        let bits = UInt64(hex, radix: 16)!
        #expect(CanonicalJSON.formatNumber(Double(bitPattern: bits)) == expected)
    }

    @Test("strings escape exactly the RFC's set, lower-case hex for other controls")
    func escaping() {
        let s = JSONValue.string("a\"b\\c\u{08}\u{0C}\n\r\t\u{01}\u{1F}\u{7F}é/")
        #expect(CanonicalJSON.string(s) == #""a\"b\\c\b\f\n\r\t\u0001\u001f"# + "\u{7F}é/\"")
    }

    @Test("canonical form is a fixed point: parse(encode(x)) encodes to the same bytes")
    func fixedPoint() throws {
        let value: JSONValue = ["z": [1, .number(2.5), "x"], "a": ["nested": true, "n": nil], "é": .number(-0.0)]
        let once = CanonicalJSON.encode(value)
        #expect(CanonicalJSON.encode(try JSONParser.parse(once)) == once)
    }

    static let rejected: [(String, String)] = [
        (#"{"a":1,"a":2}"#, "duplicate member name"), (#"[1,]"#, "expected"), ("01", "leading zero"),
        (#""\ud800""#, "lone high surrogate"), ("\"a\u{01}\"", "control character"), ("NaN", "unexpected character"),
        ("[1] x", "after the JSON value"), (#"{"a" 1}"#, "expected ':'"), ("1e999", "out of range"),
        (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "nesting deeper"),
    ]

    @Test("the parser refuses what I-JSON forbids, naming the problem", arguments: rejected)
    func strictParser(input: String, reason: String) {
        #expect {
            _ = try JSONParser.parse(input)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() {
        #expect(throws: JSONParser.Error.self) { _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }
}
