// Private helpers of the sign-off code (signoff.cpp, signoff_checks.cpp, signoff_flow.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "werkex/signoff.hpp"
#include "werkex/signoff_changes.hpp"

namespace werkex::signoff_detail {

std::string to_hex(const unsigned char* data, size_t n);
// Exactly `bytes` bytes as lowercase hex, or nullopt.
std::optional<std::vector<unsigned char>> from_hex(std::string_view hex, size_t bytes);
bool is_hex(std::string_view s, size_t digits);

// doc[key] as a string, "" when absent or not a string.
std::string str(const json& doc, const char* key);
std::vector<std::string> covers_of(const json& signoff);
// Days since 1970-01-01 of a valid YYYY-MM-DD date.
int64_t day_number(std::string_view date);

// The Ed25519 part of check_signoff_authority: key known, the signer's, not revoked,
// signature over signoff_message() valid.
Status check_key_signature(const EntityReader& replica, const json& signoff);
// The signing_key entity with this key id, or nullopt if this replica does not hold one.
Result<std::optional<json>> find_signing_key(const EntityReader& replica,
                                             const std::string& key_id);
// The placement part: the placement exists, is this pupil's (when the sign-off names its
// bucket), the signer is its supervisor and statement_date lies in start..end; the last two
// are skipped for a sign-off the server verified (verified_at), judged when it was made.
Status check_placement(const EntityReader& replica, const json& signoff);

// Which covered entities (and fields) carry a stamp newer than the sign-off's own write.
using ChangedFields = std::vector<std::pair<std::string, std::vector<std::string>>>;
ChangedFields changed_after(const std::vector<Change>& signoff_states,
                            const std::vector<json>& canonical_contents,
                            const EntityReader& replica);
std::string describe_changes(const ChangedFields& changes);

}  // namespace werkex::signoff_detail

namespace werkex::signoff_detail {

// The signed_content text stored with a sign-off: the canonical contents sorted by id.
std::string signed_content_text(const std::vector<json>& canonical_contents);
// The sign-off's signed_content as id -> canonical content, empty when it has none or its
// hash is not the signed content_hash.
std::map<std::string, json> trusted_signed_content(const json& signoff);
// signoff_status() without the check for a newer sign-off that replaced it (superseded).
Result<SignoffStatus> own_status(const EntityReader& replica, const std::string& signoff_id);
// The field changes in words behind `changes` (see signoff_changes.hpp).
std::vector<FieldChange> explain_changes(const EntityReader& replica, const json& signoff,
                                         const ChangedFields& changes);

}  // namespace werkex::signoff_detail
