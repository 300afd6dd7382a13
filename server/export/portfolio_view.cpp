// The export indexed for the portfolio page (portfolio_view.hpp).
#include "portfolio_view.hpp"

#include <algorithm>

namespace werkex::exporter {

namespace {

bool refers_to(const json& doc, const char* field, const std::string& id) {
  if (!doc.is_object()) return false;
  auto it = doc.find(field);
  if (it == doc.end()) return false;
  if (it->is_string()) return it->get<std::string>() == id;
  if (!it->is_array()) return false;
  return std::any_of(it->begin(), it->end(),
                     [&](const json& v) { return v.is_string() && v.get<std::string>() == id; });
}

}  // namespace

std::string text_of(const json& doc, const char* key) {
  if (!doc.is_object()) return "";
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json& array_of(const json& doc, const char* key) {
  static const json empty = json::array();
  if (!doc.is_object()) return empty;
  auto it = doc.find(key);
  return it != doc.end() && it->is_array() ? *it : empty;
}

const json& object_of(const json& doc, const char* key) {
  static const json empty = json::object();
  if (!doc.is_object()) return empty;
  auto it = doc.find(key);
  return it != doc.end() && it->is_object() ? *it : empty;
}

bool flag_of(const json& doc, const char* key) {
  if (!doc.is_object()) return false;
  auto it = doc.find(key);
  return it != doc.end() && it->is_boolean() && it->get<bool>();
}

std::optional<double> number_of(const json& doc, const char* key) {
  if (!doc.is_object()) return std::nullopt;
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::vector<std::string> strings_of(const json& doc, const char* key) {
  std::vector<std::string> out;
  if (!doc.is_object()) return out;
  for (const json& v : array_of(doc, key))
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

PortfolioView::PortfolioView(const json& export_doc) : doc_(export_doc) {
  for (const json& e : array_of(doc_, "entities"))
    if (e.is_object() && e.contains("id") && e["id"].is_string()) by_id_[e["id"]] = &e;
  for (const json& p : array_of(doc_, "people"))
    if (p.is_object()) names_[text_of(p, "id")] = text_of(p, "name");
  const json& pupil = object_of(doc_, "pupil");
  names_[text_of(pupil, "id")] = text_of(pupil, "name");
}

const json* PortfolioView::entity(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<const json*> PortfolioView::of_type(const std::string& type) const {
  std::vector<const json*> out;
  for (const json& e : array_of(doc_, "entities"))
    if (text_of(e, "type") == type) out.push_back(&e);
  return out;
}

std::vector<const json*> PortfolioView::referring(const std::string& type, const char* field,
                                                  const std::string& id) const {
  std::vector<const json*> out;
  for (const json* e : of_type(type))
    if (refers_to(*e, field, id)) out.push_back(e);
  return out;
}

std::vector<const json*> PortfolioView::comments_on(const std::string& id) const {
  auto out = referring("comment", "on", id);
  // written_at is for display and may be missing; ids (UUIDv7) are in creation order.
  std::stable_sort(out.begin(), out.end(), [](const json* a, const json* b) {
    return text_of(*a, "id") < text_of(*b, "id");
  });
  return out;
}

std::vector<const json*> PortfolioView::photos_of(const std::string& id) const {
  std::vector<const json*> out;
  for (const json& p : array_of(doc_, "photos"))
    if (text_of(p, "attached_to") == id) out.push_back(&p);
  return out;
}

std::vector<const json*> PortfolioView::signoffs_covering(const std::string& id) const {
  std::vector<const json*> out;
  for (const json& s : array_of(doc_, "signoffs"))
    if (refers_to(s, "covers", id)) out.push_back(&s);
  return out;
}

std::string PortfolioView::person_name(const std::string& id) const {
  auto it = names_.find(id);
  return it == names_.end() ? std::string() : it->second;
}

}  // namespace werkex::exporter
