import LMDB

extension EventLog {
    /// What happened to one event of a batch.
    public enum AppendOutcome: Equatable, Sendable {
        /// Appended at this sequence number.
        case appended(UInt64)
        /// The same bytes were already held at this sequence number: nothing written.
        case alreadyPresent(UInt64)

        public var seq: UInt64 {
            switch self {
            case .appended(let s), .alreadyPresent(let s): s
            }
        }
    }

    /// Appends a batch of signed events in one write transaction, with gap-free sequence numbers,
    /// and stores a signed checkpoint of the new tree.
    ///
    /// Idempotent on event id: an event whose id and bytes are already held is skipped. A
    /// different event under a known id (held, or earlier in the batch) is refused as
    /// equivocation and nothing is written: this is the one place equivocation is checked.
    /// Signatures and authority are the caller's business (``Recorder`` checks them).
    ///
    /// `admit` runs inside the write transaction, after equivocation is ruled out and before
    /// anything is written, with the events that are not yet held: a caller judges them against
    /// exactly the state they are appended to (no other writer can come in between; its reads join
    /// this transaction), and throws to refuse the batch.
    ///
    /// - Complexity: O(b log n) for a batch of b events, plus what `admit` reads.
    ///
    /// `words` are the words of the batch's commitments (``Words``): each is checked against its
    /// event's commitment (a mismatch refuses the batch) and kept in the words file beside the log,
    /// unless erased. Erasure events among the fresh ones destroy the words they name.
    public func append(
        _ events: [SignedEvent], words: [WordsPart] = [], recorded: Timestamp = .now(),
        admit: (([SignedEvent]) throws -> Void)? = nil
    ) throws -> [AppendOutcome] {
        let nodeKey = try nodeSigningKey()
        return try writeTxn { txn in
            let (outcomes, appended) = try appendBatch(txn, events, recorded: recorded) { fresh in try admit?(fresh) }
            try storeWords(txn, words, batch: Dictionary(events.map { ($0.id, $0) }) { a, _ in a })
            try storeCheckpointIfNeeded(txn, appended: appended, key: nodeKey)
            return outcomes
        }
    }

    /// Appends batches pulled from a stream until it returns nil, all in one write transaction
    /// (one signed checkpoint, one commit): a reader sees all of them or none, and an error thrown
    /// by the stream (or equivocation in any batch) writes nothing. Only the current batch is held
    /// in memory, besides LMDB's own dirty pages. Idempotence and equivocation are as for
    /// ``append(_:recorded:admit:)``, across batches too.
    ///
    /// `restart` runs at the start of each run of the transaction and must bring `next` back to
    /// the stream's start: the transaction runs again when the memory map had to grow. Both run
    /// inside the transaction and must not write to this ledger. `afterBatch` runs after each batch
    /// and `finish` last, inside the same transaction: what layers above keep beside the log (where
    /// each event was first recorded, a peer's mirror) commits with it.
    ///
    /// After the last batch, `words` is pulled until it returns nil: the words of the events
    /// appended (or held), checked and kept as for ``append(_:words:recorded:admit:)``;
    /// `screenWords` sees each part that is kept, with its event, and throws to refuse it all.
    ///
    /// - Returns: how many events were appended and how many were already held.
    public func append(
        recorded: Timestamp = .now(), restart: () throws -> Void, batches next: () throws -> [SignedEvent]?,
        words nextWords: () throws -> [WordsPart]? = { nil }, screenWords: (WordsPart, Envelope) throws -> Void = { _, _ in },
        afterBatch: (borrowing WriteScope, [SignedEvent]) throws -> Void = { _, _ in }, finish: (borrowing WriteScope) throws -> Void = { _ in }
    ) throws -> (appended: Int, held: Int) {
        let nodeKey = try nodeSigningKey()
        return try writeTables { txn, created in
            try restart()
            var appended = 0
            var held = 0
            while let batch = try next() {
                let (outcomes, added) = try appendBatch(txn, batch, recorded: recorded) { _ in }
                appended += added
                held += outcomes.count - added
                try afterBatch(WriteScope(txn, log: self, created: created), batch)
            }
            while let parts = try nextWords() { try storeWords(txn, parts, batch: [:], screen: screenWords) }
            try finish(WriteScope(txn, log: self, created: created))
            try storeCheckpointIfNeeded(txn, appended: appended, key: nodeKey)
            return (appended, held)
        }
    }

    /// Makes room in the memory map for about `bytes` of events about to be appended in one
    /// transaction (their indexes and tree included), so that it runs once.
    public func reserve(eventBytes bytes: Int) throws {
        // Measured: a ledger file holds about 1.7 bytes per byte of canonical events.
        let (room, overflow) = max(0, bytes).multipliedReportingOverflow(by: 3)
        try lmdb { try env.reserve(bytes: overflow ? .max : room) }
    }

    /// A checkpoint of the new tree when events were appended (or none is held yet).
    private func storeCheckpointIfNeeded(_ txn: borrowing Transaction, appended: Int, key nodeKey: SigningKey) throws {
        let held = try txn.count(db.checkpoints)
        if appended > 0 || held == 0 {
            let size = try self.size(txn)
            let edge = try CompactRange(size: size) { level, index in try self.subtree(txn, level, index) }
            try self.storeCheckpoint(txn, Checkpoint(origin: name, size: size, root: edge.root), key: nodeKey)
        }
    }

    /// One batch inside `txn`: the outcome of each event, and how many were appended.
    private func appendBatch(
        _ txn: borrowing Transaction, _ events: [SignedEvent], recorded: Timestamp,
        admit: ([SignedEvent]) throws -> Void
    ) throws -> ([AppendOutcome], Int) {
        // Pass 1: which events are held already, and equivocation.
        enum Place {
            case held(UInt64)
            case earlier(Int)
            case fresh
        }
        var places: [Place] = []
        places.reserveCapacity(events.count)
        var firstIndex: [EventID: Int] = [:]
        var fresh: [SignedEvent] = []
        for (position, event) in events.enumerated() {
            if let index = firstIndex[event.id] {
                guard events[index].bytes == event.bytes else { throw EventLog.equivocation(event, held: events[index], seq: nil) }
                places.append(.earlier(index))
                continue
            }
            firstIndex[event.id] = position
            if let seqBytes = try txn.get(db.ids, key: event.id.bytes) {
                let seq = seqBytes.bigEndianUInt64
                let held = try txn.get(db.events, key: EventLog.seqKey(seq)) ?? []
                guard Array(held.dropFirst(8)) == event.bytes else {
                    let heldEvent = try? SignedEvent(bytes: Array(held.dropFirst(8)))
                    throw EventLog.equivocation(event, held: heldEvent, seq: seq)
                }
                places.append(.held(seq))
                continue
            }
            places.append(.fresh)
            fresh.append(event)
        }
        try admit(fresh)

        // Pass 2: write the fresh events.
        var size = try self.size(txn)
        var edge = try CompactRange(size: size) { level, index in try self.subtree(txn, level, index) }
        var storageIndex = Merkle.storedHashCount(size)
        var outcomes: [AppendOutcome] = []
        outcomes.reserveCapacity(events.count)
        let stamp = [UInt8](bigEndian: UInt64(bitPattern: recorded.milliseconds))
        var value: [UInt8] = []
        // Index entries are put after the loop, sorted: B-tree inserts in key order touch
        // each page once per batch instead of once per event.
        var idEntries: [(EventID, [UInt8])] = []
        var caseEntries: [[UInt8]] = []
        for (event, place) in zip(events, places) {
            switch place {
            case .held(let seq):
                outcomes.append(.alreadyPresent(seq))
                continue
            case .earlier(let index):
                outcomes.append(.alreadyPresent(outcomes[index].seq))
                continue
            case .fresh:
                break
            }
            size += 1
            let seq = size
            let key = EventLog.seqKey(seq)
            value.removeAll(keepingCapacity: true)
            value.append(contentsOf: stamp)
            value.append(contentsOf: event.bytes)
            try txn.put(db.events, key: key, value: value, flags: .append)
            idEntries.append((event.id, key))
            // Network events (no case) are indexed under the empty case id.
            caseEntries.append(EventLog.caseKey(event.envelope.caseID ?? "", seq))
            if KeyRegistry.isKeyEvent(event.envelope.type) {
                try txn.put(db.keyEvents, key: key, value: [], flags: .append)
            }
            let leaf = event.leafHash
            try txn.put(db.tree, key: [UInt8](bigEndian: storageIndex), value: leaf, flags: .append)
            storageIndex += 1
            for node in edge.append(leaf) {
                try txn.put(db.tree, key: [UInt8](bigEndian: storageIndex), value: node.hash, flags: .append)
                storageIndex += 1
            }
            outcomes.append(.appended(seq))
        }
        for (id, seqKey) in idEntries.sorted(by: { $0.0 < $1.0 }) {
            try txn.put(db.ids, key: id.bytes, value: seqKey, flags: .noOverwrite)
        }
        for caseKey in caseEntries.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try txn.put(db.cases, key: caseKey, value: [])
        }
        try applyErasures(txn, fresh: fresh)
        return (outcomes, idEntries.count)
    }

    /// - Parameter seq: where the other event is held; nil when it is earlier in the same batch.
    static func equivocation(_ event: SignedEvent, held: SignedEvent?, seq: UInt64?) -> LedgerError {
        let heldHash = held.map { Merkle.leafHash($0.bytes).hex.prefix(16) } ?? "unreadable"
        let place = seq.map { "already recorded under the same id at sequence \($0)" } ?? "earlier in the same batch under the same id"
        var error = LedgerError(
            .equivocation,
            "equivocation refused: event \(event.id) (\(event.envelope.type), leaf \(event.leafHash.hex.prefix(16))…) differs from the event \(place) (\(held?.envelope.type ?? "?"), leaf \(heldHash)…); nothing was written"
        )
        error.eventID = event.id
        return error
    }

    func storeCheckpoint(_ txn: borrowing Transaction, _ checkpoint: Checkpoint, key: SigningKey) throws {
        let note = try checkpoint.signed(by: key).serialized
        try txn.put(db.checkpoints, key: EventLog.seqKey(checkpoint.size), value: Array(note.utf8))
    }

    // MARK: Reading inside a transaction

    /// The number of events in `snapshot`.
    func size(in snapshot: borrowing Snapshot) throws -> UInt64 { try size(snapshot.txn) }

    func size(_ txn: borrowing Transaction) throws -> UInt64 {
        try txn.withCursor(db.events) { cursor in try cursor.last()?.key.bigEndianUInt64 ?? 0 }
    }

    func subtree(_ txn: borrowing Transaction, _ level: Int, _ index: UInt64) throws -> Hash32 {
        let key = [UInt8](bigEndian: Merkle.storageIndex(level: level, index: index))
        guard let hash = try txn.get(db.tree, key: key), hash.count == 32 else {
            throw LedgerError(.corrupt, "\(path): the Merkle tree node at level \(level), index \(index) is missing", advice: .verifyAndRestore)
        }
        return hash
    }
}
