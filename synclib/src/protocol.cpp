#include "werkex/protocol.hpp"

#include <algorithm>
#include <climits>

#include "werkex/ids.hpp"
#include "werkex/json_object.hpp"

namespace werkex::protocol {

namespace {

// An integer that an int holds (get<int>() of anything else would change its value).
bool fits_int(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= uint64_t(INT_MAX);
  return v.is_number_integer() && v.get<int64_t>() >= INT_MIN && v.get<int64_t>() <= INT_MAX;
}

Error bad(const std::string& path, const std::string& what) {
  return make_error(WX_INVALID_ARGUMENT, path + ": " + what);
}

Result<uint64_t> unsigned_at(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_unsigned())
    return bad(path + "." + key, "expected an unsigned integer");
  return it->get<uint64_t>();
}

Result<Bundle> bundle_at(const json& j, const std::string& path) {
  auto b = bundle_from_json(j);
  if (!b) return make_error(b.error().code, path + ": " + b.error().message);
  // Sync moves parts of buckets, never anyone's whole state: a knowledge claim is ignored.
  b->knowledge.clear();
  return b;
}

json rejected_json(const std::vector<RejectedChange>& v) {
  json out = json::array();
  for (auto& r : v) {
    json one = {{"entity", r.entity},
                {"field", r.field},
                {"code", error_code_name(r.error.code)},
                {"message", r.error.message}};
    add_error_key(one, r.error);
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace

json to_json(const SyncRequest& r) {
  json out = {{"v", kVersion},
              {"replica", replica_to_hex(r.replica)},
              {"clock", r.device_clock_ms},
              {"schema", r.schema_version},
              {"cursors", r.cursors},
              {"limit", r.limit},
              {"push", bundle_to_json(r.push)}};
  if (!r.views.empty()) out["views"] = r.views;
  if (!r.pin_codes.empty()) out["pin_codes"] = r.pin_codes;
  return out;
}

Result<SyncRequest> sync_request_from_json(const json& j) {
  if (!j.is_object()) return bad("request", "expected a JSON object");
  WX_RETURN_IF_ERROR(json_object::only_keys(
      j, {"v", "replica", "clock", "schema", "cursors", "views", "limit", "push", "pin_codes"},
      "request"));
  if (!j.contains("v") || j["v"] != kVersion)
    return bad("request.v", "unsupported protocol version (this server speaks 1)");
  SyncRequest r;
  auto replica = j.contains("replica") && j["replica"].is_string()
                     ? replica_from_hex(j["replica"].get<std::string>())
                     : std::nullopt;
  if (!replica || *replica == 0)
    return bad("request.replica", "expected a replica id of 16 hex digits");
  r.replica = *replica;
  WX_ASSIGN_OR_RETURN(r.device_clock_ms, unsigned_at(j, "clock", "request"));
  if (!j.contains("schema") || !fits_int(j["schema"]))
    return bad("request.schema", "expected an integer");
  r.schema_version = j["schema"].get<int>();
  if (j.contains("limit")) {
    WX_ASSIGN_OR_RETURN(uint64_t limit, unsigned_at(j, "limit", "request"));
    r.limit = static_cast<size_t>(limit);
  }
  const json& cursors = j.contains("cursors") ? j["cursors"] : json::object();
  if (!cursors.is_object()) return bad("request.cursors", "expected an object of bucket: seq");
  for (auto& [bucket, seq] : cursors.items()) {
    if (bucket.empty() || !seq.is_number_unsigned())
      return bad("request.cursors", "expected bucket names with unsigned sequence numbers");
    r.cursors[bucket] = seq.get<uint64_t>();
  }
  const json& views = j.contains("views") ? j["views"] : json::object();
  if (!views.is_object()) return bad("request.views", "expected an object of bucket: view");
  for (auto& [bucket, view] : views.items()) {
    if (bucket.empty() || !view.is_string() || view.get_ref<const std::string&>().size() > 64)
      return bad("request.views", "expected bucket names with view strings of at most 64 chars");
    r.views[bucket] = view.get<std::string>();
  }
  const json& codes = j.contains("pin_codes") ? j["pin_codes"] : json::object();
  if (!codes.is_object() || codes.size() > 1000)
    return bad("request.pin_codes", "expected an object of sign-off id: code (at most 1000)");
  for (auto& [id, code] : codes.items()) {
    if (!is_valid_entity_id(id) || !code.is_string() ||
        code.get_ref<const std::string&>().size() > 32)
      return bad("request.pin_codes", "expected sign-off ids with codes of at most 32 chars");
    r.pin_codes[id] = code.get<std::string>();
  }
  if (!j.contains("push"))
    return bad("request.push", "missing (send an empty bundle to push nothing)");
  WX_ASSIGN_OR_RETURN(r.push, bundle_at(j["push"], "request.push"));
  if (r.push.from_replica != r.replica)
    return bad("request.push.from", "differs from request.replica");
  return r;
}

json to_json(const SyncResponse& r) {
  json buckets = json::object();
  for (auto& [name, pull] : r.buckets) {
    buckets[name] = {
        {"cursor", pull.cursor}, {"more", pull.more}, {"bundle", bundle_to_json(pull.changes)}};
    if (!pull.view.empty()) buckets[name]["view"] = pull.view;
  }
  json out = {{"v", kVersion},
              {"server_clock", r.server_clock_ms},
              {"clock_offset_ms", r.clock_offset_ms},
              {"push",
               {{"upto", r.push_upto},
                {"applied", r.applied},
                {"unchanged", r.unchanged},
                {"rejected", rejected_json(r.rejected)}}},
              {"revoked", r.revoked},
              {"more", r.more},
              {"buckets", std::move(buckets)}};
  if (!r.epoch.empty()) out["epoch"] = r.epoch;
  return out;
}

namespace {

// Typed members of an answer from the server: a member of another JSON type (a float where
// an integer belongs: converting 1e300 to an integer is undefined behaviour) is WX_CORRUPT
// naming it, never converted. Nothing here throws.
class Fields {
 public:
  Fields(const json& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  Result<const json*> member(const char* key) const {
    auto it = obj_.is_object() ? obj_.find(key) : obj_.end();
    if (it == obj_.end()) return wrong(key, "missing");
    return &*it;
  }
  Result<uint64_t> u64(const char* key) const {
    WX_ASSIGN_OR_RETURN(const json* v, member(key));
    if (!v->is_number_unsigned()) return wrong(key, "expected an unsigned integer");
    return v->get<uint64_t>();
  }
  Result<int64_t> i64(const char* key) const {
    WX_ASSIGN_OR_RETURN(const json* v, member(key));
    if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX))
      return wrong(key, "out of range");
    if (!v->is_number_integer()) return wrong(key, "expected an integer");
    return v->get<int64_t>();
  }
  Result<bool> boolean(const char* key) const {
    WX_ASSIGN_OR_RETURN(const json* v, member(key));
    if (!v->is_boolean()) return wrong(key, "expected true or false");
    return v->get<bool>();
  }
  Result<std::string> text(const char* key) const {
    WX_ASSIGN_OR_RETURN(const json* v, member(key));
    if (!v->is_string()) return wrong(key, "expected a string");
    return v->get<std::string>();
  }
  Result<const json*> array(const char* key) const {
    WX_ASSIGN_OR_RETURN(const json* v, member(key));
    if (!v->is_array()) return wrong(key, "expected an array");
    return v;
  }
  Result<const json*> object(const char* key) const {
    WX_ASSIGN_OR_RETURN(const json* v, member(key));
    if (!v->is_object()) return wrong(key, "expected an object");
    return v;
  }

 private:
  Error wrong(const char* key, const std::string& what) const {
    return make_error(WX_CORRUPT, path_ + "." + key + ": " + what);
  }
  const json& obj_;
  std::string path_;
};

Result<std::vector<RejectedChange>> rejected_from_json(const json& list) {
  std::vector<RejectedChange> out;
  for (size_t i = 0; i < list.size(); ++i) {
    Fields x(list[i], "sync response: push.rejected[" + std::to_string(i) + "]");
    WX_ASSIGN_OR_RETURN(std::string entity, x.text("entity"));
    WX_ASSIGN_OR_RETURN(std::string field, x.text("field"));
    WX_ASSIGN_OR_RETURN(std::string code, x.text("code"));
    WX_ASSIGN_OR_RETURN(std::string message, x.text("message"));
    out.push_back({std::move(entity), std::move(field), error_from_json(list[i], "", message)});
  }
  return out;
}

Result<BucketPull> bucket_from_json(const std::string& name, const json& b) {
  Fields f(b, "sync response: buckets." + name);
  BucketPull pull;
  WX_ASSIGN_OR_RETURN(pull.cursor, f.u64("cursor"));
  WX_ASSIGN_OR_RETURN(pull.more, f.boolean("more"));
  if (b.is_object() && b.contains("view")) {
    WX_ASSIGN_OR_RETURN(pull.view, f.text("view"));
  }
  WX_ASSIGN_OR_RETURN(const json* bundle_json, f.member("bundle"));
  auto bundle = bundle_from_json(*bundle_json);
  if (!bundle)
    return make_error(WX_CORRUPT, "sync response: bucket " + name + ": " + bundle.error().message);
  pull.changes = std::move(bundle).value();
  pull.changes.knowledge.clear();  // as in bundle_at
  return pull;
}

}  // namespace

Result<SyncResponse> sync_response_from_json(const json& j) {
  if (!j.is_object() || !j.contains("v") || j["v"] != kVersion)
    return make_error(WX_CORRUPT, "sync response: not a version 1 response");
  Fields top(j, "sync response");
  SyncResponse r;
  WX_ASSIGN_OR_RETURN(r.server_clock_ms, top.u64("server_clock"));
  WX_ASSIGN_OR_RETURN(r.clock_offset_ms, top.i64("clock_offset_ms"));
  WX_ASSIGN_OR_RETURN(const json* push_json, top.object("push"));
  Fields push(*push_json, "sync response: push");
  WX_ASSIGN_OR_RETURN(r.push_upto, push.u64("upto"));
  WX_ASSIGN_OR_RETURN(r.applied, push.u64("applied"));
  WX_ASSIGN_OR_RETURN(r.unchanged, push.u64("unchanged"));
  WX_ASSIGN_OR_RETURN(const json* rejected, push.array("rejected"));
  WX_ASSIGN_OR_RETURN(r.rejected, rejected_from_json(*rejected));
  WX_ASSIGN_OR_RETURN(const json* revoked, top.array("revoked"));
  for (const json& b : *revoked) {
    if (!b.is_string()) return make_error(WX_CORRUPT, "sync response: revoked: expected strings");
    r.revoked.push_back(b.get<std::string>());
  }
  WX_ASSIGN_OR_RETURN(r.more, top.boolean("more"));
  if (auto e = j.find("epoch"); e != j.end()) {
    if (!e->is_string() || e->get_ref<const std::string&>().size() > 64)
      return make_error(WX_CORRUPT, "sync response: epoch: expected a short string");
    r.epoch = e->get<std::string>();
  }
  WX_ASSIGN_OR_RETURN(const json* buckets, top.object("buckets"));
  for (auto& [name, b] : buckets->items()) {
    WX_ASSIGN_OR_RETURN(BucketPull pull, bucket_from_json(name, b));
    r.buckets.emplace(name, std::move(pull));
  }
  return r;
}

json to_json(const EnrollResponse& r) {
  return {{"token", r.token},
          {"user", r.identity.user},
          {"role", r.identity.role},
          {"bucket", r.identity.bucket},
          {"school_bucket", r.identity.school_bucket}};
}

Result<EnrollResponse> enroll_response_from_json(const json& j) {
  if (!j.is_object()) return make_error(WX_CORRUPT, "enrol response: expected a JSON object");
  Fields f(j, "enrol response");
  EnrollResponse r;
  WX_ASSIGN_OR_RETURN(r.token, f.text("token"));
  WX_ASSIGN_OR_RETURN(r.identity.user, f.text("user"));
  WX_ASSIGN_OR_RETURN(r.identity.role, f.text("role"));
  WX_ASSIGN_OR_RETURN(r.identity.bucket, f.text("bucket"));
  WX_ASSIGN_OR_RETURN(r.identity.school_bucket, f.text("school_bucket"));
  return r;
}

Error error_from_json(const json& e, const std::string& prefix, const std::string& otherwise) {
  auto text = [&](const char* k) -> std::optional<std::string> {
    auto it = e.find(k);
    if (it == e.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  Error out(error_code_from_name(text("code").value_or("internal")),
            prefix + text("message").value_or(otherwise), text("key").value_or(""));
  auto args = e.find("args");
  if (args != e.end() && args->is_object())
    for (auto& [name, value] : args->items())
      if (value.is_string()) out.args.emplace_back(name, value.get<std::string>());
  return out;
}

void add_error_key(json& out, const Error& e) {
  if (e.key.empty()) return;
  out["key"] = e.key;
  json args = json::object();
  for (const auto& [name, value] : e.args) args[name] = value;
  if (!args.empty()) out["args"] = std::move(args);
}

}  // namespace werkex::protocol
