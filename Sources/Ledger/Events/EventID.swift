/// An event id: a UUID in its lower-case text form. Authors choose it (UUIDv7: time-ordered) and
/// appends are idempotent on it.
public struct EventID: Hashable, Comparable, Sendable, CustomStringConvertible {
    // Two words rather than an array: ids are hashed and compared on every append.
    let high: UInt64
    let low: UInt64

    /// True for the nil UUID (all zero bits, RFC 9562 §5.9): it names no event and is refused.
    public var isNil: Bool { high == 0 && low == 0 }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] { [UInt8](bigEndian: high) + [UInt8](bigEndian: low) }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        high = Array(bytes[0..<8]).bigEndianUInt64
        low = Array(bytes[8..<16]).bigEndianUInt64
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case).
    public init?(parsing text: String) {
        let chars = Array(text.utf8)
        guard chars.count == 36 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < 36 {
            if [8, 13, 18, 23].contains(i) {
                guard chars[i] == UInt8(ascii: "-") else { return nil }
                i += 1
                continue
            }
            guard let hi = EventID.hexValue(chars[i]), let lo = EventID.hexValue(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        self.init(bytes: out)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }

    /// A new UUIDv7: 48 bits of Unix milliseconds, version 7, variant 10, 74 random bits.
    public static func v7(at time: Timestamp = .now()) -> EventID {
        var rng = SystemRandomNumberGenerator()
        var b = [UInt8](bigEndian: rng.next()) + [UInt8](bigEndian: rng.next())
        let ms = UInt64(max(0, time.milliseconds))
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
        b[6] = 0x70 | (b[6] & 0x0F)
        b[8] = 0x80 | (b[8] & 0x3F)
        return EventID(bytes: b)!
    }

    public var description: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var i = 0
        for word in [high, low] {
            for k in 0..<16 {
                if [8, 13, 18, 23].contains(i) { i += 1 }  // the hyphens stay where they are
                out[i] = digits[Int((word >> UInt64(60 - 4 * k)) & 0xF)]
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func < (a: EventID, b: EventID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}
