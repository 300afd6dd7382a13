// The export state file and the dossier fingerprint (export_state.hpp).
#include "export_state.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/schema.hpp"

namespace werkex::exporter {

namespace {

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string state_path(const std::string& out_dir) {
  return out_dir + "/" + kStateFileName;
}

// Reads the parsed state into `state`; false when it is not a state file of a version
// this build reads (1 or 2).
bool read_state(const json& doc, ExportState& state) {
  if (!doc.is_object() || str(doc, "format") != "werkex-export-state" || !doc.contains("version") ||
      !doc["version"].is_number_integer())
    return false;
  const int version = doc["version"].get<int>();
  if (version != 1 && version != 2) return false;
  auto pupils = doc.find("pupils");
  auto groups = doc.find("groups");
  if (pupils == doc.end() || !pupils->is_object() || groups == doc.end() || !groups->is_object())
    return false;
  for (const auto& [id, p] : pupils->items()) {
    if (!p.is_object()) return false;
    PupilState& s = state.pupils[id];
    s.fingerprint = str(p, "fingerprint");
    s.folder = str(p, "folder");
    s.written_at = str(p, "written_at");
    s.csv_row = str(p, "csv_row");
    s.recheck = p.value("recheck", json(false)) != json(false);
    for (const json& key : p.value("depends_on", json::array()))
      if (key.is_string()) s.depends_on.insert(key.get<std::string>());
  }
  auto seq = doc.find("seq");
  if (version == 2 && seq != doc.end() && seq->is_number_unsigned()) {
    state.basis = str(doc, "basis");
    state.seq = seq->get<uint64_t>();
  }
  for (const auto& [group, g] : groups->items()) {
    if (!g.is_object()) return false;
    state.csv[group] = str(g, "csv");
  }
  return true;
}

}  // namespace

std::string blob_path(const std::string& blob_dir, const std::string& sha) {
  return blob_dir + "/" + sha.substr(0, 2) + "/" + sha;
}

ExportState ExportState::load(const std::string& out_dir, bool* damaged) {
  ExportState state;
  if (damaged) *damaged = false;
  std::ifstream in(state_path(out_dir), std::ios::binary);
  if (!in) return state;
  std::stringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, false);
  if (!read_state(doc, state)) {
    if (damaged) *damaged = true;
    return ExportState();
  }
  return state;
}

Status ExportState::save(const std::string& out_dir, bool durable) const {
  json doc = {{"format", "werkex-export-state"},
              {"version", 2},
              {"basis", basis},
              {"seq", seq},
              {"pupils", json::object()},
              {"groups", json::object()}};
  for (const auto& [id, p] : pupils)
    doc["pupils"][id] = {{"fingerprint", p.fingerprint}, {"folder", p.folder},
                         {"written_at", p.written_at},   {"depends_on", p.depends_on},
                         {"csv_row", p.csv_row},         {"recheck", p.recheck}};
  for (const auto& [group, sha] : csv) doc["groups"][group] = {{"csv", sha}};
  return write_file_atomically(state_path(out_dir), doc.dump(1) + "\n", durable);
}

std::string dossier_fingerprint(const json& export_doc, const std::string& settings,
                                const std::string& blob_dir, bool* photos_missing) {
  if (photos_missing) *photos_missing = false;
  json stable = export_doc;
  if (stable.is_object()) stable.erase("exported_at");
  std::string text = "werkex-export-fingerprint:v1\n" + settings + "\n" +
                     stable.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  auto photos = export_doc.is_object() ? export_doc.find("photos") : export_doc.end();
  if (photos != export_doc.end() && photos->is_array()) {
    for (const json& p : *photos) {
      std::string sha = str(p, "sha256");
      struct stat st {};
      if (is_valid_sha256_hex(sha) && ::stat(blob_path(blob_dir, sha).c_str(), &st) != 0) {
        text += "missing:" + sha + "\n";
        if (photos_missing) *photos_missing = true;
      }
    }
  }
  return sha256_hex(text);
}

}  // namespace werkex::exporter
