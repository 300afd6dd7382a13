#include "pupil_view.hpp"

#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

namespace {

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool any_in(const json& doc, const char* key, const std::set<std::string>& ids) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_array()) return false;
  for (const json& v : *it)
    if (v.is_string() && ids.count(v.get<std::string>())) return true;
  return false;
}

// Whether `doc` belongs in the view, given what is in it so far (`in`) and the photos named
// by entries in it (`photos`). Blobs come last in each round, after the entries that name them.
bool belongs(const json& doc, const std::set<std::string>& placements,
             const std::set<std::string>& in, const std::set<std::string>& photos) {
  const std::string type = str(doc, "type");
  if (type == "activity") return placements.count(str(doc, "placement")) > 0;
  if (type == "preparation" || type == "experience") return in.count(str(doc, "activity")) > 0;
  if (type == "reflection") return any_in(doc, "experiences", in);
  if (type == "next_step") return in.count(str(doc, "reflection")) > 0;
  if (type == "comment") return in.count(str(doc, "on")) > 0;
  if (type == "signoff") return placements.count(str(doc, "placement")) > 0;
  if (type == "blob")
    return doc.value("shows_others", false) != true &&
           (in.count(str(doc, "attached_to")) > 0 || photos.count(str(doc, "sha256")) > 0);
  return false;
}

}  // namespace

std::set<std::string> placement_view(const std::vector<json>& docs,
                                     const std::set<std::string>& placements) {
  std::set<std::string> in, photos;
  // The rules only ever add (each looks at what is already in), so repeating them until
  // nothing changes reaches the least closed set; each round adds at least one entity.
  for (bool grew = true; grew;) {
    grew = false;
    for (const json& doc : docs) {
      const std::string id = str(doc, "id");
      if (id.empty() || in.count(id) || doc.value("deleted", false) == true) continue;
      if (!belongs(doc, placements, in, photos)) continue;
      in.insert(id);
      if (auto p = doc.find("photos"); p != doc.end() && p->is_array())
        for (const json& sha : *p)
          if (sha.is_string()) photos.insert(sha.get<std::string>());
      grew = true;
    }
  }
  return in;
}

Result<PupilView> compute_pupil_view(const DossierStore& dossiers, const std::string& bucket,
                                     const std::set<std::string>& placements) {
  Query all;
  all.bucket = bucket;
  WX_ASSIGN_OR_RETURN(auto docs, dossiers.list(all));
  PupilView v;
  v.entities = placement_view(docs, placements);
  v.digest = digest_of(v.entities);
  return v;
}

std::string digest_of(const std::set<std::string>& ids) {
  std::string text;
  for (const std::string& id : ids) text += id + "\n";
  return sha256_hex(text).substr(0, 16);
}

}  // namespace werkex::server
