#include "werkex/protocol.hpp"

#include <algorithm>

#include "werkex/ids.hpp"

namespace werkex::protocol {

namespace {

Error bad(const std::string& path, const std::string& what) {
  return make_error(WX_INVALID_ARGUMENT, path + ": " + what);
}

Status only_keys(const json& obj, std::initializer_list<const char*> keys,
                 const std::string& path) {
  for (auto& [k, _] : obj.items())
    if (std::none_of(keys.begin(), keys.end(), [&](const char* a) { return k == a; }))
      return bad(path, "unknown key '" + k + "'");
  return Status::ok();
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
  return b;
}

json rejected_json(const std::vector<RejectedChange>& v) {
  json out = json::array();
  for (auto& r : v)
    out.push_back({{"entity", r.entity},
                   {"field", r.field},
                   {"code", error_code_name(r.error.code)},
                   {"message", r.error.message}});
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
  WX_RETURN_IF_ERROR(only_keys(
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
  if (!j.contains("schema") || !j["schema"].is_number_integer())
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
  return {{"v", kVersion},
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
}

Result<SyncResponse> sync_response_from_json(const json& j) {
  if (!j.is_object() || !j.contains("v") || j["v"] != kVersion)
    return make_error(WX_CORRUPT, "sync response: not a version 1 response");
  try {
    SyncResponse r;
    r.server_clock_ms = j.at("server_clock").get<uint64_t>();
    r.clock_offset_ms = j.at("clock_offset_ms").get<int64_t>();
    const json& push = j.at("push");
    r.push_upto = push.at("upto").get<uint64_t>();
    r.applied = push.at("applied").get<size_t>();
    r.unchanged = push.at("unchanged").get<size_t>();
    for (const json& x : push.at("rejected"))
      r.rejected.push_back({x.at("entity").get<std::string>(), x.at("field").get<std::string>(),
                            make_error(error_code_from_name(x.at("code").get<std::string>()),
                                       x.at("message").get<std::string>())});
    r.revoked = j.at("revoked").get<std::vector<std::string>>();
    r.more = j.at("more").get<bool>();
    for (auto& [name, b] : j.at("buckets").items()) {
      BucketPull pull;
      pull.cursor = b.at("cursor").get<uint64_t>();
      pull.more = b.at("more").get<bool>();
      if (b.contains("view")) pull.view = b.at("view").get<std::string>();
      auto bundle = bundle_from_json(b.at("bundle"));
      if (!bundle)
        return make_error(WX_CORRUPT,
                          "sync response: bucket " + name + ": " + bundle.error().message);
      pull.changes = std::move(bundle).value();
      r.buckets.emplace(name, std::move(pull));
    }
    return r;
  } catch (const json::exception& e) {
    return make_error(WX_CORRUPT, std::string("sync response: ") + e.what());
  }
}

json to_json(const EnrollResponse& r) {
  return {{"token", r.token},
          {"user", r.identity.user},
          {"role", r.identity.role},
          {"bucket", r.identity.bucket},
          {"school_bucket", r.identity.school_bucket}};
}

Result<EnrollResponse> enroll_response_from_json(const json& j) {
  try {
    EnrollResponse r;
    r.token = j.at("token").get<std::string>();
    r.identity = {j.at("user").get<std::string>(), j.at("role").get<std::string>(),
                  j.at("bucket").get<std::string>(), j.at("school_bucket").get<std::string>()};
    return r;
  } catch (const json::exception& e) {
    return make_error(WX_CORRUPT, std::string("enrol response: ") + e.what());
  }
}

}  // namespace werkex::protocol
