#include "werkex/merge.hpp"
#include "test_support.hpp"

using namespace werkex;

namespace {

Stamp at(uint64_t millis, uint64_t replica) {
  return {Hlc::from_parts(millis, 0), replica};
}

}  // namespace

TEST_CASE("merge: concurrent writes resolve by HLC then replica", "[merge][lww]") {
  FieldState a = lww_write("a", at(100, 1), {});
  FieldState b = lww_write("b", at(100, 2), {});
  CHECK(merge(a, b).value == "b");
  CHECK(merge(b, a).value == "b");
  FieldState c = lww_write("c", at(101, 1), {});
  CHECK(merge(b, c).value == "c");
}

TEST_CASE("merge: the loser of a concurrent write is kept beside the winner", "[merge][lww]") {
  FieldState base = lww_write("start", at(10, 1), {});
  // Two phones both saw "start" and changed it offline.
  FieldState phone1 = lww_write("from phone 1", at(20, 1), base.stamp);
  FieldState phone2 = lww_write("from phone 2", at(30, 2), base.stamp);
  FieldState merged = merge(merge(base, phone1), phone2);
  CHECK(merged.value == "from phone 2");
  REQUIRE(merged.lost);
  CHECK(merged.lost->value == "from phone 1");
  CHECK(merged.lost->stamp == phone1.stamp);
  CHECK(merge(phone2, merge(phone1, base)) == merged);
}

TEST_CASE("merge: an overwrite that had seen the old value is not a conflict", "[merge][lww]") {
  FieldState first = lww_write("first", at(10, 1), {});
  FieldState second = lww_write("second", at(20, 2), first.stamp);  // replica 2 saw "first"
  FieldState merged = merge(first, second);
  CHECK(merged.value == "second");
  CHECK_FALSE(merged.lost);
  // Writing again on top of a conflict settles it.
  FieldState c1 = lww_write("x", at(30, 1), second.stamp);
  FieldState c2 = lww_write("y", at(31, 2), second.stamp);
  FieldState conflict = merge(c1, c2);
  REQUIRE(conflict.lost);
  FieldState settled = merge(conflict, lww_write("z", at(40, 1), conflict.stamp));
  CHECK(settled.value == "z");
  CHECK_FALSE(settled.lost);
}

TEST_CASE("merge: write-once keeps the first write everywhere", "[merge][once]") {
  FieldState a = lww_write("sig-a", at(50, 3), {});
  a.rule = MergeRule::once;
  FieldState b = lww_write("sig-b", at(40, 9), {});
  b.rule = MergeRule::once;
  FieldState empty;
  empty.rule = MergeRule::once;
  CHECK(merge(a, b).value == "sig-b");
  CHECK(merge(b, a).value == "sig-b");
  CHECK(merge(empty, a) == a);
  CHECK(merge(a, empty) == a);
}

TEST_CASE("merge: in a set a concurrent add wins over a remove", "[merge][set]") {
  FieldState empty;
  empty.rule = MergeRule::set;
  FieldState added = set_add(empty, at(10, 1));
  CHECK(added.present());
  FieldState removed_on_1 = set_remove(added);  // replica 1 removes what it saw
  CHECK_FALSE(removed_on_1.present());
  FieldState readded_on_2 = set_add(added, at(11, 2));  // replica 2 adds it again, concurrently
  FieldState merged = merge(removed_on_1, readded_on_2);
  CHECK(merged.present());
  CHECK(merge(readded_on_2, removed_on_1) == merged);
  // A remove that observed both adds removes it for good.
  CHECK_FALSE(merge(merged, set_remove(merged)).present());
}

TEST_CASE("merge: max_stamp covers every stamp a receiver must observe", "[merge]") {
  FieldState s;
  s.rule = MergeRule::set;
  s.adds = {at(5, 1), at(9, 2)};
  s.removed = {at(5, 1)};
  CHECK(s.max_stamp() == at(9, 2));
  FieldState r = lww_write(1, at(7, 1), {});
  r.lost = LostWrite{2, at(6, 2)};
  CHECK(r.max_stamp() == at(7, 1));
}
