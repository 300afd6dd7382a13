// Change bundles: field states as they travel between replicas, by file or over the wire.
//
// A Change is the full replicated state of one field (or one set element) of one entity,
// together with the entity's type and bucket so the receiver can validate and file it. A
// Bundle is the changes a replica has stored since a local sequence number, with the range
// (since, upto] so the receiver can record how far it has seen that replica. Applying a
// bundle is idempotent: duplicates, reordering and retries after loss are all safe.
//
// JSON form (stable, versioned by "v"): changes grouped by entity,
//   {"werkex":"bundle","v":1,"schema":1,"from":"<replica hex>","since":0,"upto":42,
//    "entities":[{"id":…,"type":…,"bucket":…,"fields":[
//      {"f":"note","v":"…","s":[hlc,replica],"b":[hlc,replica],"l":{"v":…,"s":[…]}},
//      {"f":"signature","k":"once","v":"…","s":[…]},
//      {"f":"photos","k":"set","x":"<element>","a":[[hlc,replica],…],"r":[[…],…]}]}]}
// "k" defaults to "lww"; "b" and "l" are omitted when empty.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/merge.hpp"

namespace werkex {

struct Change {
  std::string entity;
  std::string type;
  std::string bucket;
  std::string field;
  json element;  // the set element, for MergeRule::set; null otherwise
  FieldState state;
};

struct Bundle {
  uint64_t from_replica = 0;
  int schema_version = 0;
  uint64_t since_seq = 0;
  uint64_t upto_seq = 0;
  std::vector<Change> changes;
  // The sender's knowledge() when the bundle carries its whole state after since_seq (no
  // bucket filter, no limit cut); empty otherwise. JSON: "knows": [[hlc, replica], …].
  std::vector<Stamp> knowledge;
};

json bundle_to_json(const Bundle& bundle);
// Strict: any deviation from the shape above is WX_CORRUPT with the path of the bad part
// ("entities[3].fields[1].s: expected [hlc, replica]").
Result<Bundle> bundle_from_json(const json& doc);
Result<Bundle> bundle_from_text(std::string_view text);

// One field change in its JSON form (an object of an entity's "fields" above); entity, type
// and bucket are the caller's. With `seq`, the form also carries the local sequence number
// "q" (how a replica stores its own states) and it is required.
json field_to_json(const Change& change);
Status field_from_json(const json& j, Change& change, uint64_t* seq = nullptr);
// The rules every received field state must pass, whatever form it came in (set: an element
// and at least one add, removes among the adds; registers: normalise_register). Sorts and
// normalises the state in place; WX_CORRUPT with the part that is wrong.
Status check_received_state(Change& change);

// The compact binary form of a bundle (bundle_binary.cpp): the same content as the JSON
// form, with names and replica ids in tables, stamps as varints, entity ids as 16 bytes,
// deflated. It starts with "WXB1"; bundle_from_bytes() reads either form.
Result<std::string> bundle_to_binary(const Bundle& bundle);
Result<Bundle> bundle_from_binary(std::string_view bytes);
// Reads a bundle in either form: binary if it starts with the binary magic, else JSON text.
Result<Bundle> bundle_from_bytes(std::string_view bytes);

// The key a set element is stored under: its canonical JSON text. The element must be valid
// (check_json_value).
std::string element_key(const json& element);
// Whether parsing the element's key gives back the element and the same key: a replica
// rebuilds set elements from their keys, so one that does not round-trip (NaN or infinity,
// printed as null) would turn into another element after a restart.
bool element_key_round_trips(const json& element);

}  // namespace werkex
