import CWerkex
import Foundation

/// A file just attached (`wx_blob_attach`).
public struct AttachedBlob: Codable, Equatable, Sendable {
    /// The new `blob` entity.
    public let blobId: String
    public let sha256: String
    public let size: Int64
    public let mime: String

    enum CodingKeys: String, CodingKey {
        case blobId = "blob_id"
        case sha256, size, mime
    }
}

/// One blob as this replica knows it (`wx_blob_info`).
public struct BlobInfo: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable {
        case localPendingUpload = "local_pending_upload"
        case uploaded
        case remoteOnly = "remote_only"
        case failed
    }

    public let sha256: String
    public let size: Int64
    public let mime: String
    public let state: State
    /// When failed: the server's code and message.
    public let failure: String?
    /// Where the file is, or will be once fetched.
    public let path: String?
}

/// The blob queue at a glance (`wx_blob_status`).
public struct BlobStatus: Codable, Equatable, Sendable {
    public let policy: Blobs.Policy
    public let pendingUpload: [BlobInfo]
    public let failed: [BlobInfo]
    public let remoteOnly: [BlobInfo]

    enum CodingKeys: String, CodingKey {
        case policy, failed
        case pendingUpload = "pending_upload"
        case remoteOnly = "remote_only"
    }
}

/// Photos and files of a replica: attached offline, uploaded after the entity they belong to has
/// synced, fetched on other devices when shown. A view: as thread-safe as the replica. `upload`
/// and `fetch` block on the network: call them off the main thread.
public struct Blobs: Sendable {
    /// When uploads may use the network.
    public enum Policy: String, Codable, Sendable {
        case always
        case wifiOnly = "wifi_only"
    }

    /// The network the device is on now (the app knows; the library does not ask the OS).
    public enum Network: String, Sendable {
        case offline = "none"
        case cellular
        case wifi
    }

    public let replica: Replica

    /// Copies the file into the replica's blob store, attaches it to `entityId` (an
    /// experience's photo, or a file of an activity, preparation, reflection, next step or
    /// contact) and queues it for upload. `mime` nil: from the file's extension.
    public func attach(to entityId: String, file: URL, mime: String? = nil,
                       caption: String? = nil) throws -> AttachedBlob {
        let data = try file.withUnsafeFileSystemRepresentation { path -> Data in
            guard let path else {
                throw WerkexError(code: .invalidArgument,
                                  message: "attach: \(file) is not a file path")
            }
            return try withOptionalCString(mime) { mime in
                try withOptionalCString(caption) { caption in
                    try checkData {
                        wx_blob_attach(replica.handle, entityId, path, mime, caption, $0)
                    }
                }
            }
        }
        return try decodeJSON(AttachedBlob.self, from: data, code: .internal)
    }

    /// `.notFound` for a hash this replica does not know.
    public func info(_ sha256: String) throws -> BlobInfo {
        let data = try checkData { wx_blob_info(replica.handle, sha256, $0) }
        return try decodeJSON(BlobInfo.self, from: data, code: .internal)
    }

    public func status() throws -> BlobStatus {
        let data = try checkData { wx_blob_status(replica.handle, $0) }
        return try decodeJSON(BlobStatus.self, from: data, code: .internal)
    }

    /// Kept in the replica; `.always` by default.
    public func setPolicy(_ policy: Policy) throws {
        try check { wx_blob_set_policy(replica.handle, policy.rawValue, $0) }
    }

    /// Uploads what is queued, as far as `network` and the policy allow; run it after a sync.
    /// Returns the upload report (JSON: "uploaded", "bytes", "pending", "failed",
    /// "skipped_by_policy", "waiting_for_entity", "uploaded_hashes", "failures", "stopped",
    /// "note"). A run stopped by the network is no error: the rest stays queued.
    public func upload(via transport: Transport, network: Network) throws -> String {
        try checkString {
            wx_blob_upload(replica.handle, transport.handle, network.rawValue, $0)
        }
    }

    /// The local file of the blob, downloading it first (resumably) if it is not here.
    /// Errors: `.notFound`, `.corrupt` (hash mismatch; nothing kept), `.unavailable`.
    public func fetch(_ sha256: String, via transport: Transport) throws -> URL {
        let path = try checkString { wx_blob_fetch(replica.handle, transport.handle, sha256, $0) }
        return URL(fileURLWithPath: path)
    }

    /// Queues every failed upload again; how many.
    public func retryFailed() throws -> Int {
        var count: UInt64 = 0
        try check { wx_blob_retry_failed(replica.handle, &count, $0) }
        return Int(clamping: count)
    }
}
