import CWerkex

/// Every failure of the werkex binding: a code from the library's one list
/// (werkex/error_codes.h) and the library's message for a person. `isTransient` says whether
/// the same call may succeed later (no network, server busy, rate limited), so an app retries a
/// sync rather than showing an error.
public struct WerkexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Mirrors `wx_error_code`; the raw values are the C values, which never change.
    public enum Code: Int, CaseIterable, Sendable {
        case ok = 0
        case invalidArgument = 1
        case notFound = 2
        case conflict = 3
        case permissionDenied = 4
        case io = 5
        case corrupt = 6
        case clockSkew = 7
        case unauthenticated = 8
        case unavailable = 9
        case tooLarge = 10
        case `internal` = 11
        case rateLimited = 12
        case closed = 13

        /// The code of a C value; one this binding does not know (a newer library) is `.internal`.
        init(cValue: wx_error_code) {
            self = Code(rawValue: Int(cValue.rawValue)) ?? .internal
        }

        var cValue: wx_error_code { wx_error_code(rawValue: numericCast(rawValue)) }

        /// The library's short stable name ("invalid_argument").
        public var name: String { String(cString: wx_error_code_name(cValue)) }
    }

    public let code: Code
    /// The message in English.
    public let message: String
    public let isTransient: Bool
    /// The message's stable key in the library's catalogue ("role_may_not_write_type"), or the
    /// code's name for a failure outside it: what an app matches on instead of the words.
    public let key: String
    /// The message in Dutch.
    public let dutchMessage: String

    /// An error made on the Swift side; transient as the library counts it unless told.
    public init(code: Code, message: String, isTransient: Bool? = nil) {
        self.init(code: code, message: message, isTransient: isTransient, key: nil,
                  dutchMessage: nil)
    }

    init(code: Code, message: String, isTransient: Bool?, key: String?, dutchMessage: String?) {
        self.code = code
        self.message = message
        self.isTransient = isTransient ?? (code == .unavailable || code == .rateLimited)
        self.key = key ?? code.name
        self.dutchMessage = dutchMessage ?? message
    }

    /// The message for a person reading `language` ("nl" Dutch, anything else English).
    public func message(in language: String) -> String {
        language == "nl" ? dutchMessage : message
    }

    /// What the library wrote into `error` when a call failed.
    init(_ error: wx_error) {
        var copy = error
        func text<T>(_ field: inout T) -> String {
            withUnsafeBytes(of: &field) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        let message = text(&copy.message)
        let key = text(&copy.key)
        let dutch = text(&copy.message_nl)
        if copy.code.rawValue == 0 {
            // A failed call always writes its error; an untouched one is a bug in the library.
            self.init(code: .internal, message: "the call failed without saying why")
        } else {
            self.init(code: Code(cValue: copy.code), message: message,
                      isTransient: wx_error_is_transient(&copy), key: key.isEmpty ? nil : key,
                      dutchMessage: dutch.isEmpty ? nil : dutch)
        }
    }

    public var description: String { "werkex: \(code.name): \(message)" }
}

/// Copies `message` into a `wx_error` the library handed to a callback: code set, text cut at a
/// UTF-8 character boundary to fit `WX_ERROR_MESSAGE_MAX` and always NUL-terminated. The only
/// way Swift failures cross into C: nothing is ever thrown through a C frame.
func writeError(_ out: UnsafeMutablePointer<wx_error>, code: WerkexError.Code, message: String) {
    out.pointee.code = code.cValue
    withUnsafeMutableBytes(of: &out.pointee.message) { raw in
        guard raw.count > 0 else { return }
        let bytes = Array(message.utf8)
        var length = min(bytes.count, raw.count - 1)  // room for the NUL
        // Cut before a character, not inside one: back off over continuation bytes (10xxxxxx).
        if length < bytes.count {
            while length > 0 && (bytes[length] & 0xC0) == 0x80 { length -= 1 }
        }
        for i in 0..<length { raw[i] = bytes[i] == 0 ? 0x20 : bytes[i] }  // no early NUL
        raw[length] = 0
    }
}
