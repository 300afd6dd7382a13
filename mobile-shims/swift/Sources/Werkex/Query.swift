import Foundation

/// Which entities a list, count or observer is about, built fluently and encoded as werkex.h's
/// query JSON: `Query.all.type("activity").where("kind", equals: "snuffelstage").limit(10)`.
/// A value type: every builder returns a new query. It holds one `where` condition (the C query
/// has one field/equals pair); a later `where` replaces it. Observers accept only `type` and
/// `bucket`.
public struct Query: Encodable, Equatable, Sendable {
    /// The value a field is compared with.
    public enum Value: Encodable, Equatable, Sendable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let s): try container.encode(s)
            case .int(let i): try container.encode(i)
            case .double(let d): try container.encode(d)
            case .bool(let b): try container.encode(b)
            }
        }
    }

    private var typeName: String?
    private var bucketName: String?
    private var field: String?
    private var value: Value?
    private var orderField: String?
    private var deleted: Bool?
    private var limitCount: Int?
    private var offsetCount: Int?

    /// Every entity (encodes as "{}").
    public static var all: Query { Query() }

    public init() {}

    /// Only entities of this type ("activity", "experience", ...).
    public func type(_ type: String) -> Query { with { $0.typeName = type } }

    /// Only entities of this bucket ("pupil:<id>").
    public func bucket(_ bucket: String) -> Query { with { $0.bucketName = bucket } }

    /// Only entities whose `field` equals `value` (a set field: contains it).
    public func `where`(_ field: String, equals value: String) -> Query {
        matching(field, .string(value))
    }

    public func `where`(_ field: String, equals value: Int) -> Query {
        matching(field, .int(Int64(value)))
    }

    /// `value` must be finite: JSON has no NaN or infinity.
    public func `where`(_ field: String, equals value: Double) -> Query {
        precondition(value.isFinite, "Query.where: \(value) is not a JSON number")
        return matching(field, .double(value))
    }

    public func `where`(_ field: String, equals value: Bool) -> Query {
        matching(field, .bool(value))
    }

    /// Sorted by this field.
    public func orderBy(_ field: String) -> Query { with { $0.orderField = field } }

    /// Whether deleted entities are included (false by default).
    public func includeDeleted(_ include: Bool = true) -> Query { with { $0.deleted = include } }

    /// At most this many (0: no limit).
    public func limit(_ limit: Int) -> Query {
        precondition(limit >= 0, "Query.limit must not be negative")
        return with { $0.limitCount = limit }
    }

    /// Skips this many.
    public func offset(_ offset: Int) -> Query {
        precondition(offset >= 0, "Query.offset must not be negative")
        return with { $0.offsetCount = offset }
    }

    /// The query as werkex.h's JSON (keys sorted); "{}" for `.all`.
    public func toJSON() throws -> String {
        try encodeJSON(self)
    }

    private enum CodingKeys: String, CodingKey {
        case type, bucket, field, equals, limit, offset
        case orderBy = "order_by"
        case includeDeleted = "include_deleted"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(typeName, forKey: .type)
        try c.encodeIfPresent(bucketName, forKey: .bucket)
        try c.encodeIfPresent(field, forKey: .field)
        try c.encodeIfPresent(value, forKey: .equals)
        try c.encodeIfPresent(orderField, forKey: .orderBy)
        try c.encodeIfPresent(deleted, forKey: .includeDeleted)
        try c.encodeIfPresent(limitCount, forKey: .limit)
        try c.encodeIfPresent(offsetCount, forKey: .offset)
    }

    private func matching(_ field: String, _ value: Value) -> Query {
        with {
            $0.field = field
            $0.value = value
        }
    }

    private func with(_ change: (inout Query) -> Void) -> Query {
        var copy = self
        change(&copy)
        return copy
    }
}
