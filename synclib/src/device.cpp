#include "werkex/device.hpp"

#include <cstdlib>

#include "werkex/blob_sync.hpp"
#include "werkex/ids.hpp"

namespace werkex {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Result<json> blob_summary(Replica& replica) {
  WX_ASSIGN_OR_RETURN(BlobStore store, BlobStore::open(replica));
  WX_ASSIGN_OR_RETURN(auto pending, store.pending());
  WX_ASSIGN_OR_RETURN(auto failed, store.failed());
  WX_ASSIGN_OR_RETURN(auto remote, store.remote_only());
  WX_ASSIGN_OR_RETURN(UploadPolicy policy, upload_policy(replica));
  json fails = json::array();
  for (auto& f : failed) fails.push_back({{"sha256", f.sha256}, {"reason", f.failure}});
  json waiting = json::array();
  for (auto& p : pending) waiting.push_back(p.sha256);
  return json{{"pending_upload", waiting},
              {"failed", fails},
              {"remote_only", remote.size()},
              {"policy", policy == UploadPolicy::wifi_only ? "wifi-only" : "always"}};
}

}  // namespace

Result<Identity> complete_identity(const Schema& schema, Identity id) {
  if (id.user.empty()) return make_error(WX_INVALID_ARGUMENT, "user: the user id is empty");
  if (!schema.is_role(id.role))
    return make_error(WX_INVALID_ARGUMENT, "role: unknown role '" + id.role +
                                               "'; expected one of " + join(schema.roles()));
  if (id.bucket.empty() && id.role == "pupil") id.bucket = "pupil:" + id.user;
  if (id.school_bucket.empty()) id.school_bucket = "school:default";
  return id;
}

Status check_query_field(const Schema& schema, const std::string& type, const std::string& field) {
  const TypeSpec* spec = schema.type(type);
  if (!spec || field.empty() || field == "id" || field == "type" || field == "bucket" ||
      spec->field(field))
    return Status::ok();
  std::vector<std::string> known;
  for (const auto& [name, _] : spec->fields) known.push_back(name);
  return make_error(WX_INVALID_ARGUMENT,
                    spec->name + " has no field '" + field + "'; known fields: " + join(known));
}

Status check_listed_type(const Schema& schema, const std::string& type, bool found_any) {
  if (type.empty() || schema.type(type) || found_any) return Status::ok();
  std::vector<std::string> known;
  for (const auto& [name, _] : schema.types()) known.push_back(name);
  return make_error(WX_INVALID_ARGUMENT,
                    "unknown type '" + type + "'; known types: " + join(known));
}

Status check_server_url(std::string_view url) {
  if (url.starts_with("http://") || url.starts_with("https://")) return Status::ok();
  return make_error(WX_INVALID_ARGUMENT,
                    "server: expected an http:// or https:// URL, got '" + std::string(url) + "'");
}

Result<json> replica_status(Replica& r) {
  // Every known type appears, with 0 when absent, so the shape does not depend on the data;
  // types from a newer schema appear when present.
  json counts = json::object();
  for (const auto& [name, _] : r.schema().types()) counts[name] = 0;
  WX_ASSIGN_OR_RETURN(auto docs, r.list(Query{}));
  for (const json& d : docs) {
    auto& n = counts[d.value("type", "?")];
    n = n.is_number() ? n.get<size_t>() + 1 : 1;
  }
  const Identity& me = r.identity();
  WX_ASSIGN_OR_RETURN(auto server, r.setting("server"));
  // What waits for the next sync: changes made here (or imported from peers) after the last
  // acknowledged push, and what the server refused.
  WX_ASSIGN_OR_RETURN(auto pushed, r.setting("sync.pushed_upto"));
  ChangeFilter mine;
  mine.skip_from_server = true;
  WX_ASSIGN_OR_RETURN(
      Bundle waiting,
      r.changes_since(pushed ? std::strtoull(pushed->c_str(), nullptr, 10) : 0, 0, mine));
  WX_ASSIGN_OR_RETURN(auto quarantined, r.quarantined());
  WX_ASSIGN_OR_RETURN(auto last_sync, r.setting("sync.last_at"));
  WX_ASSIGN_OR_RETURN(json blobs, blob_summary(r));
  return json{{"replica", replica_to_hex(r.replica_id())},
              {"user", me.user},
              {"role", me.role},
              {"bucket", me.bucket},
              {"school_bucket", me.school_bucket},
              {"server", server ? json(*server) : json()},
              {"last_seq", r.last_seq()},
              {"waiting_to_push", waiting.changes.size()},
              {"quarantined", quarantined.size()},
              {"last_sync", last_sync ? json(*last_sync) : json()},
              {"entities", counts},
              {"blobs", blobs}};
}

}  // namespace werkex
