// RosterIds (roster_ids.hpp).
#include "roster_ids.hpp"

namespace werkex::server {

std::string RosterIds::key(const std::string& type, const std::string& school,
                           const std::string& ext) {
  // A newline is in no entity id, so the parts cannot run into each other.
  return type == "school" ? type + "\n" + ext : type + "\n" + school + "\n" + ext;
}

void RosterIds::add(const std::string& type, const std::string& school, const std::string& ext,
                    const std::string& id) {
  by_key_[key(type, school, ext)] = id;
  by_ext_[type + "\n" + ext].insert(id);
  if (type != "school") school_of_[id] = school;
  of_type_[type].insert(id);
}

Result<std::string> RosterIds::find(const std::string& type, const std::string& school,
                                    const std::string& ext) const {
  if (type == "school" || !school.empty()) {
    auto it = by_key_.find(key(type, school, ext));
    return it == by_key_.end() ? std::string() : it->second;
  }
  auto it = by_ext_.find(type + "\n" + ext);
  if (it == by_ext_.end()) return std::string();
  if (it->second.size() > 1)
    return make_error(WX_CONFLICT, "more than one school has " + type + " '" + ext +
                                       "': list it in the roster with its school; nothing "
                                       "was applied");
  return *it->second.begin();
}

std::string RosterIds::school_of(const std::string& id) const {
  auto it = school_of_.find(id);
  return it == school_of_.end() ? std::string() : it->second;
}

std::set<std::string> RosterIds::all(const std::string& type) const {
  auto it = of_type_.find(type);
  return it == of_type_.end() ? std::set<std::string>() : it->second;
}

}  // namespace werkex::server
