// The portable export (dossier_export.hpp): gathers the pupil's bucket, the roster entities
// it points at and each sign-off's verification data.
#include "dossier_export.hpp"

#include <algorithm>
#include <map>

#include "encoding.hpp"
#include "werkex/clock.hpp"
#include "werkex/schema.hpp"
#include "werkex/signoff.hpp"

namespace werkex::exporter {

namespace {

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The sign-off fields copied as they are into its export entry, when present.
constexpr const char* kSignoffFields[] = {
    "signer",      "placement",  "statement_date", "hours",  "attendance",
    "assessment",  "key_id",     "content_hash",   "covers", "signed_at",
    "verified_at", "revoked_at", "revoked_reason"};

class Exporter {
 public:
  Exporter(const EntityReader& r, const PlacementsByPupil* placements)
      : r_(r), placements_(placements) {}
  Result<json> run(const std::string& pupil_id, uint64_t now_ms);

 private:
  // The document, or null when this replica does not hold it.
  Result<json> find(const std::string& id) const;
  Status note_person(const json& id);
  Result<json> groups(const json& pupil);
  Result<json> placements(const std::string& roster_bucket, const std::string& pupil_id);
  Result<json> signoff(const json& doc, const std::string& roster_bucket);
  Result<std::string> public_key(const std::string& roster_bucket, const json& doc) const;
  static json photo(const json& blob);
  // Every live entity of a dossier bucket, sorted by id.
  Result<std::vector<json>> bucket_entities(const std::string& bucket) const;

  const EntityReader& r_;
  const PlacementsByPupil* placements_;  // null: queried per pupil
  std::map<std::string, json> people_;   // id -> {"id","name","role"}
};

Result<json> Exporter::find(const std::string& id) const {
  auto doc = r_.get(id);
  if (!doc) return doc.error().code == WX_NOT_FOUND ? Result<json>(json(nullptr)) : doc.error();
  if (doc->value("deleted", false)) return json(nullptr);
  return doc;
}

Status Exporter::note_person(const json& id) {
  if (!id.is_string() || people_.count(id.get<std::string>())) return Status::ok();
  WX_ASSIGN_OR_RETURN(json doc, find(id.get<std::string>()));
  if (doc.is_null()) return Status::ok();
  people_[id] = {{"id", id}, {"name", str(doc, "name")}, {"role", str(doc, "role")}};
  return Status::ok();
}

Result<json> Exporter::groups(const json& pupil) {
  json out = json::array();
  for (const json& g : pupil.value("groups", json::array())) {
    if (!g.is_string()) continue;
    WX_ASSIGN_OR_RETURN(json doc, find(g.get<std::string>()));
    if (doc.is_null()) continue;
    for (const json& m : doc.value("mentors", json::array())) WX_RETURN_IF_ERROR(note_person(m));
    out.push_back(std::move(doc));
  }
  return out;
}

Result<json> Exporter::placements(const std::string& roster_bucket, const std::string& pupil_id) {
  std::vector<json> docs;
  if (!placements_) {
    WX_ASSIGN_OR_RETURN(docs, r_.list(Query::where("placement", roster_bucket, "pupil", pupil_id)));
  } else if (auto mine = placements_->of.find(pupil_id); mine != placements_->of.end()) {
    for (const json& p : mine->second)
      if (str(p, "bucket") == roster_bucket) docs.push_back(p);
  }
  json out = json::array();
  for (json& p : docs) {
    WX_ASSIGN_OR_RETURN(json company, find(str(p, "company")));
    p["company_name"] = company.is_null() ? "" : str(company, "name");
    p["supervisor_name"] = "";
    if (p.contains("supervisor")) {
      WX_RETURN_IF_ERROR(note_person(p["supervisor"]));
      auto it = people_.find(str(p, "supervisor"));
      if (it != people_.end()) p["supervisor_name"] = it->second["name"];
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Every live entity of `bucket`, sorted by id: one query per type the schema keeps in pupil
// buckets, because (type, bucket) is indexed and bucket alone is not: a query by bucket alone
// reads the whole table, once per pupil, which made a school's export quadratic (1,200 pupils:
// ~25 ms each, mostly copying pages, instead of ~1 ms).
Result<std::vector<json>> Exporter::bucket_entities(const std::string& bucket) const {
  std::vector<json> out;
  for (const auto& [type, spec] : r_.schema().types()) {
    if (spec.bucket != BucketKind::pupil) continue;
    Query q;
    q.type = type;
    q.bucket = bucket;
    WX_ASSIGN_OR_RETURN(auto docs, r_.list(q));
    for (json& d : docs) out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(),
            [](const json& a, const json& b) { return str(a, "id") < str(b, "id"); });
  return out;
}

Result<std::string> Exporter::public_key(const std::string& roster_bucket, const json& doc) const {
  const std::string key_id = str(doc, "key_id");
  if (key_id.empty()) return std::string();
  WX_ASSIGN_OR_RETURN(auto keys,
                      r_.list(Query::where("signing_key", roster_bucket, "key_id", key_id)));
  // The signer's own key first: another person's key with the same id is a forgery's.
  for (const json& k : keys)
    if (str(k, "person") == str(doc, "signer")) return str(k, "public_key");
  return keys.empty() ? std::string() : str(keys.front(), "public_key");
}

Result<json> Exporter::signoff(const json& doc, const std::string& roster_bucket) {
  const std::string id = str(doc, "id");
  WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(r_, id));
  json out = {{"id", id},
              {"status", signoff_state_name(st.state)},
              {"reason", st.reason},
              {"changed", st.changed},
              {"method", str(doc, "method")}};
  for (const char* f : kSignoffFields)
    if (doc.contains(f)) out[f] = doc[f];
  WX_RETURN_IF_ERROR(note_person(doc.value("signer", json())));
  auto signer = people_.find(str(doc, "signer"));
  out["signer_name"] = signer == people_.end() ? json("") : signer->second["name"];
  WX_ASSIGN_OR_RETURN(out["public_key"], public_key(roster_bucket, doc));
  json contents = json::array();
  std::vector<json> list;
  for (const json& c : doc.value("covers", json::array())) {
    auto content = canonical_content(r_, c.get<std::string>());
    if (!content && content.error().code != WX_NOT_FOUND) return content.error();
    if (content) list.push_back(std::move(content).value());
  }
  std::sort(list.begin(), list.end(),
            [](const json& a, const json& b) { return str(a, "id") < str(b, "id"); });
  out["current_content_hash"] = content_hash_of(list);
  out["covered_content"] = list;
  const bool key = str(doc, "method") == "key";
  out["signed_message"] = key ? base64(signoff_message(doc)) : "";
  out["signature"] = key ? str(doc, "signature") : "";
  return out;
}

json Exporter::photo(const json& blob) {
  const std::string sha = str(blob, "sha256");
  const bool shows_others = blob.value("shows_others", false) == true;
  if (shows_others && blob.value("allow_in_exports", false) != true)
    return {{"blob", str(blob, "id")},
            {"sha256", ""},
            {"file", ""},
            {"attached_to", str(blob, "attached_to")},
            {"shows_others", true},
            {"left_out", true}};
  return {{"blob", str(blob, "id")},
          {"sha256", sha},
          {"file", "photos/" + photo_file_name(sha, str(blob, "mime"))},
          {"mime", str(blob, "mime")},
          {"caption", str(blob, "caption")},
          {"attached_to", str(blob, "attached_to")},
          {"shows_others", shows_others},
          {"left_out", false}};
}

Result<json> Exporter::run(const std::string& pupil_id, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(json pupil, find(pupil_id));
  if (pupil.is_null() || str(pupil, "type") != "person")
    return make_error(WX_NOT_FOUND, "no pupil with id '" + pupil_id + "'");
  if (str(pupil, "role") != "pupil")
    return make_error(WX_INVALID_ARGUMENT, "person " + pupil_id + " is not a pupil");
  const std::string roster_bucket = str(pupil, "bucket");
  json out = {{"format", "werkex-dossier"},
              {"version", kDossierExportVersion},
              {"schema_version", r_.schema().version()},
              {"exported_at", rfc3339_utc(now_ms)},
              {"pupil", pupil}};
  WX_RETURN_IF_ERROR(note_person(pupil_id));
  WX_ASSIGN_OR_RETURN(out["school"], find(str(pupil, "school")));
  WX_ASSIGN_OR_RETURN(out["groups"], groups(pupil));
  WX_ASSIGN_OR_RETURN(out["placements"], placements(roster_bucket, pupil_id));
  WX_ASSIGN_OR_RETURN(auto entities, bucket_entities("pupil:" + pupil_id));
  out["signoffs"] = json::array();
  out["photos"] = json::array();
  for (const json& e : entities) {
    const std::string type = str(e, "type");
    if (type == "comment") WX_RETURN_IF_ERROR(note_person(e.value("author", json())));
    if (type == "reflection") WX_RETURN_IF_ERROR(note_person(e.value("held_by", json())));
    if (type == "blob") out["photos"].push_back(photo(e));
    if (type == "signoff") {
      WX_ASSIGN_OR_RETURN(json s, signoff(e, roster_bucket));
      out["signoffs"].push_back(std::move(s));
    }
  }
  out["entities"] = std::move(entities);
  out["people"] = json::array();
  for (auto& [id, person] : people_) out["people"].push_back(person);
  return out;
}

}  // namespace

std::string photo_file_name(const std::string& sha256, const std::string& mime) {
  static const std::map<std::string, std::string> kExtensions = {
      {"image/jpeg", "jpg"},     {"image/png", "png"},   {"image/heic", "heic"},
      {"image/heif", "heif"},    {"image/webp", "webp"}, {"image/gif", "gif"},
      {"application/pdf", "pdf"}};
  auto it = kExtensions.find(mime);
  return sha256 + "." + (it == kExtensions.end() ? std::string("bin") : it->second);
}

Result<PlacementsByPupil> placements_by_pupil(const EntityReader& dossiers) {
  Query all;
  all.type = "placement";
  WX_ASSIGN_OR_RETURN(auto docs, dossiers.list(all));  // in id order
  PlacementsByPupil out;
  for (json& p : docs) {
    const std::string pupil = str(p, "pupil");
    out.of[pupil].push_back(std::move(p));
  }
  return out;
}

Result<json> export_dossier(const EntityReader& dossiers, const std::string& pupil_id,
                            uint64_t now_ms, const PlacementsByPupil* placements) {
  return Exporter(dossiers, placements).run(pupil_id, now_ms);
}

}  // namespace werkex::exporter
