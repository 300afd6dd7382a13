// The dossier export indexed for the portfolio page (private to portfolio_*.cpp): entities
// by id and type, what points at what (comments on an entry, photos attached to it, the
// preparations and experiences of an activity), and names for person ids.
//
// Invariant: a view only reads the export it was made from, which must outlive it; any
// field may be missing or of the wrong type (an export from a newer version, a hand-edited
// file) and then reads as empty, never as an error.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/schema.hpp"

namespace werkex::exporter {

using ThumbnailFn = std::function<std::optional<std::string>(const std::string& sha)>;

// The string at doc[key], or "" when absent or not a string.
std::string text_of(const json& doc, const char* key);
// The strings of the array at doc[key] (other elements skipped).
std::vector<std::string> strings_of(const json& doc, const char* key);
// doc[key] when it is an array (an object), else a shared empty one: never throws.
const json& array_of(const json& doc, const char* key);
const json& object_of(const json& doc, const char* key);
// doc[key] when it is a boolean, else false.
bool flag_of(const json& doc, const char* key);
// doc[key] when it is a number, else nullopt.
std::optional<double> number_of(const json& doc, const char* key);

class PortfolioView {
 public:
  explicit PortfolioView(const json& export_doc);

  const json& doc() const { return doc_; }
  // The entity with this id, or nullptr.
  const json* entity(const std::string& id) const;
  // The entities of one type, in the export's order (by id).
  std::vector<const json*> of_type(const std::string& type) const;
  // The entities of `type` whose `field` is (or, for an array, contains) `id`.
  std::vector<const json*> referring(const std::string& type, const char* field,
                                     const std::string& id) const;
  // Comments on `id`, oldest first.
  std::vector<const json*> comments_on(const std::string& id) const;
  // The export's photo entries attached to `id`.
  std::vector<const json*> photos_of(const std::string& id) const;
  // The export's sign-off entries covering `id`.
  std::vector<const json*> signoffs_covering(const std::string& id) const;
  // A person's name, "" when the export does not name them.
  std::string person_name(const std::string& id) const;

 private:
  const json& doc_;
  std::map<std::string, const json*> by_id_;
  std::map<std::string, std::string> names_;
};

// The portfolio's parts (portfolio_timeline.cpp): the cycles newest first, then the
// experiences outside an activity; and one entry's comments.
std::string timeline_html(const PortfolioView& view, const ThumbnailFn& thumbnail_jpeg);
std::string comments_html(const PortfolioView& view, const std::string& on, int depth = 0);
// The photos attached to `id`, as figures; photos the export left out (left_out) are
// counted in one line instead.
std::string photos_html(const PortfolioView& view, const std::string& id,
                        const ThumbnailFn& thumbnail_jpeg);

}  // namespace werkex::exporter
