import Foundation
import LMDB

/// A restored ledger holds its node's signing until its operator shows that no later checkpoint
/// of it exists: the node may have signed checkpoints of a larger tree after the backup was made,
/// and its peers, witnesses and auditors hold them. A node that appended to the restored tree
/// and signed would show two histories under one key, which is a fork (docs/operations.md).
extension EventLog {
    static let restoredKey = Array("restored".utf8)

    /// The hold a restore put on this ledger: the tree size and root it was restored at.
    public struct SigningHold: Sendable, Equatable {
        public let size: UInt64
        public let root: Hash32
        public let backupCreated: String
    }

    /// The hold on signing, if this ledger was restored and not resumed yet.
    public func signingHold() throws -> SigningHold? {
        guard let bytes = try readTxn({ try $0.get(db.meta, key: EventLog.restoredKey) }),
            let value = try? JSONParser.parse(bytes), let size = value["tree_size"]?.integerValue,
            let root = value["root"]?.stringValue.flatMap({ [UInt8](base64: $0) })
        else { return nil }
        return SigningHold(size: UInt64(size), root: root, backupCreated: value["backup_created"]?.stringValue ?? "")
    }

    func holdSigning(afterRestoreOf manifest: Backup.Manifest, now: Timestamp) throws {
        let value: JSONValue = [
            "tree_size": .number(Double(manifest.treeSize)), "root": .string(manifest.root.base64),
            "backup_created": .string(manifest.created), "restored": .string(now.description),
        ]
        try writeTxn { txn in try txn.put(db.meta, key: EventLog.restoredKey, value: CanonicalJSON.encode(value)) }
    }

    /// The refusal of every signature while the hold lasts.
    func refuseWhileHeld() throws {
        guard let hold = try signingHold() else { return }
        throw LedgerError(
            .signingHeld,
            "\(path) was restored from a backup at tree size \(hold.size) and signs nothing until its operator shows no later checkpoint of it exists: run `amparo resume --ledger \(path) --checkpoint FILE` with the latest checkpoint its peers or witnesses hold (docs/operations.md)"
        )
    }

    /// What ``resume(checkpoints:nothingLater:)`` found.
    public struct Resumption: Sendable {
        /// The largest size among the checkpoints shown (nil with `nothingLater`).
        public let largestShown: UInt64?
        public let size: UInt64
    }

    /// Lifts the hold after a restore. Every checkpoint shown must be this node's (its signature),
    /// of a size no larger than the restored tree, and agree with the tree's root at that size;
    /// one of a larger size means the node signed acts this backup lacks, and the hold stays.
    /// `nothingLater` lifts it on the operator's word alone (the node published nothing after
    /// the backup).
    public func resume(checkpoints notes: [String], nothingLater: Bool) throws -> Resumption {
        guard let hold = try signingHold() else {
            throw LedgerError(.usage, "\(path) holds no restore to resume from; it signs as usual")
        }
        guard !notes.isEmpty || nothingLater else {
            throw LedgerError(.usage, "give --checkpoint FILE (the latest checkpoint of \(name) a peer, witness or auditor holds), or --nothing-later")
        }
        var largest: UInt64?
        for note in notes {
            let checkpoint = try Checkpoint.verify(note: note, key: nodeKey)
            if checkpoint.size > hold.size {
                throw LedgerError(
                    .signingHeld,
                    "a checkpoint of \(name) of size \(checkpoint.size) exists, larger than the \(hold.size) entries restored: the node signed \(checkpoint.size - hold.size == 1 ? "1 entry" : "\(checkpoint.size - hold.size) entries") after this backup; restore a newer backup (or recover those entries) before it signs again, or it would fork its own log"
                )
            }
            let (_, root) = try rootHash(size: checkpoint.size)
            guard root == checkpoint.root else {
                throw LedgerError(
                    .fork,
                    "the checkpoint of \(name) of size \(checkpoint.size) does not match the restored tree at that size: this backup is not the history the node signed; keep the checkpoint as evidence and restore another backup"
                )
            }
            largest = max(largest ?? 0, checkpoint.size)
        }
        try writeTxn { txn in _ = try txn.delete(db.meta, key: EventLog.restoredKey) }
        return Resumption(largestShown: largest, size: try size())
    }
}
