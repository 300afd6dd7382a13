import CWerkex
import Foundation

/// Placement requests (werkex_requests.h): a pupil asks for a placement at a company of the
/// network; the counsellor accepts (which makes the placement) or declines.
public struct PlacementRequests: Sendable {
    public let replica: Replica

    /// `{"company", "kind", "preferred_start", "preferred_end", "motivation"}`; the request's id.
    public func ask(json: String) throws -> String {
        try json.withCString { json in
            try checkString { wx_placement_ask(replica.handle, json, $0) }
        }
    }

    /// The requests as JSON text (an array of entities); `openOnly`: not answered yet.
    public func list(openOnly: Bool) throws -> String {
        let data = try checkData { wx_placement_requests(replica.handle, openOnly, $0) }
        return String(decoding: data, as: UTF8.self)
    }

    /// `{"start_date", "end_date", "kind", "supervisor", "answer"}`; the new placement's id.
    public func accept(_ requestId: String, json: String) throws -> String {
        try json.withCString { json in
            try checkString { wx_placement_accept(replica.handle, requestId, json, $0) }
        }
    }

    /// Declines, with words for the pupil.
    public func decline(_ requestId: String, answer: String? = nil) throws {
        try withOptionalCString(answer) { answer in
            try check { wx_placement_decline(replica.handle, requestId, answer, $0) }
        }
    }
}
