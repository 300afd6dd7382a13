// Folder names for the export (pupil_folder.hpp).
#include "pupil_folder.hpp"

#include <cctype>
#include <set>
#include <sstream>
#include <vector>

namespace werkex::exporter {

namespace {

// Dutch (and a few neighbouring) name particles that go after the given name when sorting.
bool is_particle(const std::string& word) {
  static const std::set<std::string> particles = {
      "van", "de", "der", "den", "het", "'t",  "ter", "ten", "te", "in",  "op",  "'s",    "d'",
      "la",  "le", "du",  "von", "zu",  "del", "da",  "dos", "el", "uit", "aan", "onder", "bij"};
  return particles.count(word) > 0;
}

// Cuts at most `max` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

}  // namespace

std::string safe_file_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    bool bad = u < 0x20 || u == 0x7F || std::string("/\\:*?\"<>|").find(c) != std::string::npos;
    out += bad ? '_' : c;
  }
  out = cut_utf8(out, 120);
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
  size_t lead = out.find_first_not_of(" ");
  out = lead == std::string::npos ? "" : out.substr(lead);
  if (!out.empty() && out[0] == '.') out[0] = '_';  // no hidden files, no "." or ".."
  return out.empty() ? "_" : out;
}

std::string family_first(const std::string& display_name) {
  std::istringstream in(display_name);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.size() < 2) return display_name;
  size_t family = 1;
  while (family + 1 < words.size() && is_particle(words[family])) ++family;
  std::string out;
  for (size_t i = family; i < words.size(); ++i) out += (i > family ? " " : "") + words[i];
  out += ", " + words[0];
  for (size_t i = 1; i < family; ++i) out += " " + words[i];
  return out;
}

std::string pupil_folder_name(const std::string& display_name, const std::string& pupil_id) {
  std::string hex;
  for (char c : pupil_id)
    if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
  std::string suffix = hex.size() > 8 ? hex.substr(hex.size() - 8) : hex;
  // The suffix must survive the cut to 120 bytes: it is what keeps two namesakes apart.
  std::string name = cut_utf8(family_first(display_name), 100);
  return safe_file_name(name + " (" + safe_file_name(suffix) + ")");
}

}  // namespace werkex::exporter
