// ISO/IEC 14496-12 boxes and ISO/IEC 23008-12 (HEIF) item boxes, read as far as finding
// the metadata items requires. Every read is bounds-checked against its box.
#include "heif_items.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace werkex {

namespace {

struct Box {
  std::string_view type;
  size_t body = 0;  // offset of the box's content, after its header
  size_t end = 0;   // offset just after the box
};

Error unreadable(const std::string& why) {
  return make_error(WX_INVALID_ARGUMENT, why);
}

// Big-endian reads within [pos, end); a read past the end sets failed() and returns 0.
class Reader {
 public:
  Reader(std::string_view s, size_t pos, size_t end) : s_(s), pos_(pos), end_(end) {}
  uint64_t u(size_t n) {
    if (failed_ || n > end_ - pos_) return fail();
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(s_[pos_ + i]);
    pos_ += n;
    return v;
  }
  std::string_view bytes(size_t n) {
    if (failed_ || n > end_ - pos_) return fail(), std::string_view();
    pos_ += n;
    return s_.substr(pos_ - n, n);
  }
  std::string_view c_string() {  // NUL-terminated; without NUL, the rest of the box
    size_t nul = s_.substr(0, end_).find('\0', pos_);
    size_t stop = nul == std::string_view::npos ? end_ : nul;
    std::string_view out = s_.substr(pos_, stop - pos_);
    pos_ = nul == std::string_view::npos ? end_ : nul + 1;
    return out;
  }
  size_t pos() const { return pos_; }
  bool failed() const { return failed_; }

 private:
  uint64_t fail() {
    failed_ = true;
    return 0;
  }
  std::string_view s_;
  size_t pos_, end_;
  bool failed_ = false;
};

Result<std::vector<Box>> children(std::string_view f, size_t begin, size_t end) {
  std::vector<Box> out;
  for (size_t pos = begin; pos < end;) {
    Reader r(f, pos, end);
    uint64_t size = r.u(4);
    std::string_view type = r.bytes(4);
    if (size == 1) size = r.u(8);
    if (size == 0) size = end - pos;
    if (r.failed() || size < r.pos() - pos || size > end - pos)
      return unreadable("a box at byte " + std::to_string(pos) + " does not fit the file");
    out.push_back({type, r.pos(), pos + static_cast<size_t>(size)});
    pos += static_cast<size_t>(size);
  }
  return out;
}

std::optional<Box> find_box(const std::vector<Box>& boxes, std::string_view type) {
  for (const Box& b : boxes)
    if (b.type == type) return b;
  return std::nullopt;
}

// The ids of the Exif and XMP items that `iinf` lists.
Result<std::set<uint64_t>> metadata_items(std::string_view f, const Box& iinf) {
  Reader r(f, iinf.body, iinf.end);
  const uint64_t version = r.u(1);
  r.u(3);
  r.u(version == 0 ? 2 : 4);  // entry count: the infe boxes follow
  if (r.failed()) return unreadable("its item list is cut off");
  WX_ASSIGN_OR_RETURN(auto entries, children(f, r.pos(), iinf.end));
  std::set<uint64_t> out;
  for (const Box& e : entries) {
    if (e.type != "infe") continue;
    Reader i(f, e.body, e.end);
    const uint64_t v = i.u(1);
    i.u(3);
    const uint64_t id = i.u(v == 3 ? 4 : 2);
    i.u(2);  // protection index
    std::string_view type = v >= 2 ? i.bytes(4) : std::string_view("mime");
    i.c_string();  // item name
    std::string_view content_type = type == "mime" ? i.c_string() : std::string_view();
    if (i.failed()) return unreadable("an item entry is cut off");
    if (type == "Exif" || content_type.find("rdf+xml") != std::string_view::npos) out.insert(id);
  }
  return out;
}

struct ItemLocations {
  std::string_view f;
  std::optional<Box> idat;
  const std::set<uint64_t>& wanted;
  std::vector<ByteRange> out;

  Status add(uint64_t id, uint64_t method, uint64_t start, uint64_t length) {
    if (!wanted.count(id)) return Status::ok();
    if (method > 1) return unreadable("a metadata item is stored by reference to another item");
    if (length == 0) return unreadable("a metadata item has no stated length");
    uint64_t base = 0, limit = f.size();
    if (method == 1) {
      if (!idat) return unreadable("a metadata item points into an idat box that is not there");
      base = idat->body;
      limit = idat->end;
    }
    if (start > limit - base || length > limit - base - start)
      return unreadable("a metadata item lies outside the file");
    out.push_back({base + start, length});
    return Status::ok();
  }
};

bool valid_field_size(uint64_t n) {
  return n == 0 || n == 4 || n == 8;
}

Status read_iloc(const Box& iloc, ItemLocations& items) {
  Reader r(items.f, iloc.body, iloc.end);
  const uint64_t v = r.u(1);
  r.u(3);
  const uint64_t sizes = r.u(1), more = r.u(1);
  const uint64_t offset_size = sizes >> 4, length_size = sizes & 15, base_size = more >> 4;
  const uint64_t index_size = (v == 1 || v == 2) ? (more & 15) : 0;
  if (!valid_field_size(offset_size) || !valid_field_size(length_size) ||
      !valid_field_size(base_size) || !valid_field_size(index_size))
    return unreadable("its item locations use field sizes the format does not have");
  const uint64_t count = r.u(v < 2 ? 2 : 4);
  for (uint64_t n = 0; n < count && !r.failed(); ++n) {
    const uint64_t id = r.u(v < 2 ? 2 : 4);
    const uint64_t method = (v == 1 || v == 2) ? (r.u(2) & 15) : 0;
    r.u(2);  // data reference index
    const uint64_t base = r.u(base_size), extents = r.u(2);
    for (uint64_t e = 0; e < extents && !r.failed(); ++e) {
      r.u(index_size);
      const uint64_t offset = r.u(offset_size), length = r.u(length_size);
      if (r.failed()) break;
      if (offset > UINT64_MAX - base) return unreadable("an item location overflows");
      WX_RETURN_IF_ERROR(items.add(id, method, base + offset, length));
    }
  }
  if (r.failed()) return unreadable("its item locations are cut off");
  return Status::ok();
}

}  // namespace

Result<std::vector<ByteRange>> heif_metadata_ranges(std::string_view file) {
  WX_ASSIGN_OR_RETURN(auto top, children(file, 0, file.size()));
  auto meta = find_box(top, "meta");
  if (!meta) return std::vector<ByteRange>{};
  if (meta->end - meta->body < 4) return unreadable("its meta box is cut off");
  WX_ASSIGN_OR_RETURN(auto in_meta, children(file, meta->body + 4, meta->end));
  auto iinf = find_box(in_meta, "iinf");
  auto iloc = find_box(in_meta, "iloc");
  if (!iinf) return std::vector<ByteRange>{};
  WX_ASSIGN_OR_RETURN(std::set<uint64_t> wanted, metadata_items(file, *iinf));
  if (wanted.empty()) return std::vector<ByteRange>{};
  if (!iloc) return unreadable("it lists metadata items but not where they are");
  ItemLocations items{file, find_box(in_meta, "idat"), wanted, {}};
  WX_RETURN_IF_ERROR(read_iloc(*iloc, items));
  return std::move(items.out);
}

}  // namespace werkex
