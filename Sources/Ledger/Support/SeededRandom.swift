/// A small, seeded random number generator (xorshift64), the one the scenario, the benchmarks and
/// the tests use: the same seed gives the same sequence on every machine, so a generated ledger
/// or a failing random test can be replayed from its seed. Not for keys or anything secret.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    public mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ xs: [T]) -> T { xs[Int(next() % UInt64(xs.count))] }
}
