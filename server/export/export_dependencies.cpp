// What a pupil's export depends on (export_dependencies.hpp).
#include "export_dependencies.hpp"

#include "portfolio_view.hpp"

namespace werkex::exporter {

std::set<std::string> export_dependencies(const json& x) {
  std::set<std::string> keys;
  auto add = [&](const std::string& key) {
    if (!key.empty()) keys.insert(key);
  };
  const json& pupil = object_of(x, "pupil");
  const std::string id = text_of(pupil, "id");
  add(id);
  keys.insert("placements-of:" + id);
  add(text_of(pupil, "school"));
  for (const std::string& g : strings_of(pupil, "groups")) add(g);
  for (const json& p : array_of(x, "placements"))
    for (const char* k : {"id", "company", "supervisor"}) add(text_of(p, k));
  for (const json& p : array_of(x, "people")) add(text_of(p, "id"));
  for (const json& so : array_of(x, "signoffs")) {
    if (!text_of(so, "key_id").empty()) keys.insert("key:" + text_of(so, "key_id"));
    add(text_of(so, "placement"));
  }
  return keys;
}

Result<std::vector<std::string>> change_keys(const EntityReader& dossiers,
                                             const std::string& entity, const std::string& type) {
  std::vector<std::string> keys{entity};
  if (type != "placement" && type != "signing_key") return keys;
  auto doc = dossiers.get(entity);
  if (!doc && doc.error().code == WX_NOT_FOUND) return keys;  // erased: its id is enough
  if (!doc) return doc.error();
  if (type == "placement") keys.push_back("placements-of:" + text_of(*doc, "pupil"));
  if (type == "signing_key") keys.push_back("key:" + text_of(*doc, "key_id"));
  return keys;
}

Result<std::set<std::string>> pupils_touched_since(
    const EntityReader& dossiers, uint64_t seq,
    const std::map<std::string, std::set<std::string>>& dependents) {
  constexpr size_t kPage = 2000;  // entity updates per read: bounded memory on a busy day
  std::set<std::string> touched;
  std::set<std::pair<std::string, std::string>> school;  // (entity, type), once each
  for (uint64_t from = seq;;) {
    WX_ASSIGN_OR_RETURN(Bundle page, dossiers.changes_since(from, kPage));
    for (const Change& c : page.changes) {
      const std::string pupil = pupil_of_bucket(c.bucket);
      if (!pupil.empty())
        touched.insert(pupil);
      else
        school.emplace(c.entity, c.type);
    }
    if (page.upto_seq <= from) break;
    from = page.upto_seq;
  }
  for (const auto& [entity, type] : school) {
    WX_ASSIGN_OR_RETURN(auto keys, change_keys(dossiers, entity, type));
    for (const std::string& key : keys) {
      auto it = dependents.find(key);
      if (it != dependents.end()) touched.insert(it->second.begin(), it->second.end());
    }
  }
  return touched;
}

std::string pupil_of_bucket(const std::string& bucket) {
  return bucket.rfind("pupil:", 0) == 0 ? bucket.substr(6) : std::string();
}

}  // namespace werkex::exporter
