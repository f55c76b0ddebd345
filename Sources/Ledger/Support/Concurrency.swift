import Foundation
import Synchronization

// The one lock type of the code base is the standard library's `Mutex` (Synchronization), for
// state shared by threads (caches, the first error of a parallel loop); everything else that
// crosses threads is immutable. The LMDB environment also waits on a condition (`NSCondition`)
// while its map is resized: the one place a thread waits for another.

/// `body(i)` for every i in 0..<count on every core, results in order: the one parallel map of the
/// code base (signature checks, projection folds). Each worker takes every `workers`-th index, so
/// uneven items spread out. The first error thrown is rethrown once all workers stop.
public func concurrentMap<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
    guard count > 0 else { return [] }
    nonisolated(unsafe) let results = UnsafeMutablePointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil, count: count)
    defer {
        results.deinitialize(count: count)
        results.deallocate()
    }
    let failure = Mutex<(any Error)?>(nil)
    let workers = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount))
    try withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < count {
                if failure.withLock({ $0 != nil }) { return }
                do {
                    results[i] = try body(i)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    return
                }
                i += workers
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
    return (0..<count).map { results[$0]! }
}

/// ``concurrentMap(_:_:)`` for a body that cannot throw.
public func concurrentMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    do {
        return try concurrentMap(count) { (i: Int) throws -> T in body(i) }
    } catch {
        preconditionFailure("unreachable: the body does not throw")
    }
}
