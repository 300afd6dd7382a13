// Where a pupil's export goes: folder names made from group and pupil names that are safe on
// every file system a school's archive or a USB stick uses (ext4, NTFS, FAT/exFAT).
//
//   <out>/<group name>/<family name>, <given name> (<id suffix>)/
//
// The person entity has one display name ("Sem van der Berg"); the folder shows it the way a
// Dutch class list is sorted: family name first, the tussenvoegsel after the given name
// ("Berg, Sem van der"; "Hart, Daan 't"). The suffix is the LAST 8 hex digits of the
// pupil's id: ids are UUIDv7, whose first digits are the creation time, so pupils made by
// one roster import would share a prefix; the last digits are random.
// Invariants: a name made here has no path separator, no control character, none of
// : * ? " < > | \, does not start with a dot or end with a dot or space, is never empty
// and at most 120 bytes (cut on a UTF-8 character boundary).
#pragma once

#include <string>

namespace werkex::exporter {

// `name` made safe as one path component (see the invariants); "_" for an empty name.
std::string safe_file_name(const std::string& name);

// "Sem van der Berg" → "Berg, Sem van der"; a one-word name stays as it is.
std::string family_first(const std::string& display_name);

// The pupil's folder name: safe_file_name(family_first(name) + " (" + suffix + ")").
std::string pupil_folder_name(const std::string& display_name, const std::string& pupil_id);

// The folder of pupils in no group.
inline constexpr const char* kNoGroupFolder = "Zonder klas";

}  // namespace werkex::exporter
