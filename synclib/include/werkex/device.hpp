// A device's set-up and its state at a glance, shared by every front end (the CLI, the C ABI
// and through it the apps) so that they check and report the same way.
//
// complete_identity() checks a hand-given identity (devices used without a server; with a
// server, enrolment sets it) and fills in the defaults: a pupil writes to "pupil:<user>",
// everyone's school bucket is "school:default". replica_status() is what `werkex status`
// prints: identity, server, what waits to be pushed, the quarantine, entity counts and blobs.
#pragma once

#include <string>
#include <string_view>

#include "werkex/error.hpp"
#include "werkex/schema.hpp"
#include "werkex/store.hpp"

namespace werkex {

// WX_INVALID_ARGUMENT for an empty user or a role the schema does not know (naming them).
Result<Identity> complete_identity(const Schema& schema, Identity identity);

// A query naming a field its type does not have would quietly match nothing: WX_INVALID_ARGUMENT
// "<type> has no field '<field>'; known fields: …". The id, type and bucket always exist, and
// a type this schema does not know (from a newer one) may have any field.
Status check_query_field(const Schema& schema, const std::string& type, const std::string& field);
// After listing: an unknown type that matched nothing is most likely a typo ("unknown type
// '<type>'; known types: …"); one from a newer schema that this replica holds is fine.
Status check_listed_type(const Schema& schema, const std::string& type, bool found_any);

// A sync server's base URL must be http:// or https://.
Status check_server_url(std::string_view url);

// {"replica","user","role","bucket","school_bucket","server","last_seq","waiting_to_push",
//  "quarantined","last_sync","entities":{type:count},"blobs":{"pending_upload":[sha...],
//  "failed":[{"sha256","reason"}],"remote_only":n,"policy":"always"|"wifi-only"}}
Result<json> replica_status(Replica& replica);

}  // namespace werkex
