// Deleting a blob entity takes its hash out of the entries that list it (same transaction).
#include <set>

#include "replica_impl.hpp"

namespace werkex {

json RemoveReport::to_json() const {
  json refs = json::array();
  for (const RemovedReference& r : references_removed)
    refs.push_back(
        {{"entity", r.entity}, {"type", r.type}, {"field", r.field}, {"value", r.value}});
  return {{"deleted", id}, {"type", type}, {"references_removed", refs}};
}

Status Replica::remove(const std::string& id) {
  return delete_entity(id).status();
}

Result<RemoveReport> Replica::delete_entity(const std::string& id) {
  RemoveReport report;
  report.id = id;
  Status done = write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(json doc, get(id));
    report.type = doc.value("type", "");
    WX_RETURN_IF_ERROR(remove_one(id));
    if (report.type == "blob") return unlink_blob(doc, report);
    return Status::ok();
  });
  if (!done) return done.error();
  return report;
}

// Called with the blob already tombstoned, inside delete_entity's transaction. An entry
// keeps the hash while another live blob entity of the same content is attached to it (the
// same photo attached twice); once no live blob entity of that content is left in the
// dossier, every entry drops it.
Status Replica::unlink_blob(const json& blob, RemoveReport& report) {
  const std::string sha = blob.value("sha256", "");
  const std::string bucket = blob.value("bucket", "");
  const std::string attached_to = blob.value("attached_to", "");
  if (sha.empty() || bucket.empty()) return Status::ok();
  WX_ASSIGN_OR_RETURN(auto others, list(Query::where("blob", bucket, "sha256", sha)));
  std::set<std::string> still_attached;
  for (const json& o : others) still_attached.insert(o.value("attached_to", ""));
  for (const auto& [type_name, type] : schema().types()) {
    for (const auto& [field_name, f] : type.fields) {
      if (f.value_kind() != FieldKind::blob) continue;
      WX_ASSIGN_OR_RETURN(auto holders, list(Query::where(type_name, bucket, field_name, sha)));
      for (const json& e : holders) {
        const std::string eid = e.value("id", "");
        bool orphaned = others.empty() || (eid == attached_to && !still_attached.count(eid));
        if (!orphaned) continue;
        json edit = {{"id", eid}};
        if (f.kind == FieldKind::set)
          edit[field_name] = {{"remove", json::array({sha})}};
        else
          edit[field_name] = nullptr;
        WX_RETURN_IF_ERROR(put(edit).status());
        report.references_removed.push_back({eid, type_name, field_name, sha});
      }
    }
  }
  return Status::ok();
}

}  // namespace werkex
