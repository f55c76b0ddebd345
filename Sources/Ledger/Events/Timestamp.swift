import Foundation

/// An instant in UTC, written as RFC 3339 with `Z` (`2015-11-09T15:00:00Z`, fractions kept to
/// the nanosecond without trailing zeros).
///
/// Parsing accepts any RFC 3339 offset and a bare date (`2015-11-09` is midnight UTC); the
/// canonical text is always UTC, so the bytes an author signs never depend on a time zone.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64
    /// Nanoseconds within the second (0..<1e9).
    public let nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Now, to the millisecond.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int32(ts.tv_nsec / 1_000_000 * 1_000_000))
    }

    /// Earlier than every real instant (for keys valid "from the beginning").
    public static let distantPast = Timestamp(seconds: -62_135_596_800)  // 0001-01-01

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    public func adding(seconds s: Int64) -> Timestamp { Timestamp(seconds: seconds + s, nanoseconds: nanoseconds) }

    /// Milliseconds since the epoch (for compact storage).
    public var milliseconds: Int64 { seconds * 1000 + Int64(nanoseconds / 1_000_000) }
    public init(milliseconds ms: Int64) {
        let s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        self.init(seconds: s, nanoseconds: Int32((ms - s * 1000) * 1_000_000))
    }

    /// The calendar date, `YYYY-MM-DD`.
    public var date: String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        var out: [UInt8] = []
        out.reserveCapacity(10)
        Timestamp.digits(y, 4, into: &out)
        out.append(0x2D)
        Timestamp.digits(m, 2, into: &out)
        out.append(0x2D)
        Timestamp.digits(d, 2, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` as exactly `width` decimal digits (zero-padded; `value` is below 10^width).
    /// By hand: String(format:) goes through Foundation's formatter, far slower on this hot path.
    static func digits(_ value: Int64, _ width: Int, into out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<max(width, 1) { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(0x30 + UInt8(truncatingIfNeeded: v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }

    public var description: String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        var out: [UInt8] = []
        out.reserveCapacity(30)
        func digits(_ value: Int64, _ width: Int) { Timestamp.digits(value, width, into: &out) }
        digits(y, 4)
        out.append(0x2D)
        digits(m, 2)
        out.append(0x2D)
        digits(d, 2)
        out.append(0x54)
        digits(secondOfDay / 3600, 2)
        out.append(0x3A)
        digits(secondOfDay / 60 % 60, 2)
        out.append(0x3A)
        digits(secondOfDay % 60, 2)
        if nanoseconds > 0 {
            out.append(0x2E)
            var fraction = Int64(nanoseconds)
            var width = 9
            while fraction % 10 == 0 {
                fraction /= 10
                width -= 1
            }
            digits(fraction, width)
        }
        out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses RFC 3339 (`2015-11-09T15:00:00Z`, `2015-11-09T09:00:00-06:00`, fractions) or a bare
    /// date. Nil on anything else, including impossible dates.
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        func num(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= b.count else { return nil }
            var v: Int64 = 0
            for i in range {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 10, let y = num(0..<4), b[4] == UInt8(ascii: "-"), let mo = num(5..<7),
            b[7] == UInt8(ascii: "-"), let d = num(8..<10), (1...12).contains(mo),
            d >= 1, d <= Timestamp.daysIn(month: mo, year: y)
        else { return nil }
        let days = Timestamp.days(fromCivil: y, mo, d)
        if b.count == 10 {
            self.init(seconds: days * 86400)
            return
        }
        guard b.count >= 20, [UInt8(ascii: "T"), UInt8(ascii: "t")].contains(b[10]),
            let h = num(11..<13), b[13] == UInt8(ascii: ":"), let mi = num(14..<16),
            b[16] == UInt8(ascii: ":"), let s = num(17..<19), h < 24, mi < 60, s < 60
        else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0, digits <= 9 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = num((i + 1)..<(i + 3)), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"),
                let om = num((i + 4)..<(i + 6)), oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        self.init(seconds: days * 86400 + h * 3600 + mi * 60 + s - offset, nanoseconds: Int32(nanos))
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil and civil-from-days.
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
