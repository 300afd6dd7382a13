import CWerkex
import Foundation

/// A deleted entry this device may restore (`wx_trash_list`); times are RFC 3339 UTC.
public struct TrashEntry: Codable, Equatable, Sendable {
    public let id: String
    public let type: String
    public let bucket: String
    public let deletedAt: String
    /// 30 days after the delete; after that the delete stays.
    public let restorableUntil: String
    /// The entry's title, note or text, shortened, to tell it apart.
    public let summary: String

    enum CodingKeys: String, CodingKey {
        case id, type, bucket, summary
        case deletedAt = "deleted_at"
        case restorableUntil = "restorable_until"
    }
}

/// The trash (prullenbak, werkex_trash.h): deleted dossier entries, restorable for 30 days.
/// A restore syncs like any write and wins over the delete on every device.
public struct Trash: Sendable {
    public let replica: Replica

    /// The restorable entries, most recently deleted first.
    public func list() throws -> [TrashEntry] {
        let data = try checkData { wx_trash_list(replica.handle, $0) }
        return try decodeJSON([TrashEntry].self, from: data, code: .internal)
    }

    /// Brings the deleted entry back with all its fields.
    public func restore(_ entityId: String) throws {
        try check { wx_trash_restore(replica.handle, entityId, $0) }
    }
}
