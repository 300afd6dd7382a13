#include "werkex/merge.hpp"
#include "test_support.hpp"

using namespace werkex;

namespace {

Stamp at(uint64_t millis, uint64_t replica) {
  return {Hlc::from_parts(millis, 0), replica};
}

FieldState write(const FieldState& seen, json value, Stamp stamp) {
  return register_write(seen, std::move(value), stamp);
}

const FieldState kNothing = empty_state(MergeRule::lww);

}  // namespace

TEST_CASE("merge: concurrent writes resolve by HLC then replica", "[merge][lww]") {
  FieldState a = lww_write("a", at(100, 1));
  FieldState b = lww_write("b", at(100, 2));
  CHECK(merge(a, b).value == "b");
  CHECK(merge(b, a).value == "b");
  FieldState c = lww_write("c", at(101, 1));
  CHECK(merge(b, c).value == "c");
}

TEST_CASE("merge: the loser of a concurrent write is kept beside the winner", "[merge][lww]") {
  FieldState base = lww_write("start", at(10, 1));
  // Two phones both saw "start" and changed it offline.
  FieldState phone1 = write(base, "from phone 1", at(20, 1));
  FieldState phone2 = write(base, "from phone 2", at(30, 2));
  FieldState merged = merge(merge(base, phone1), phone2);
  CHECK(merged.value == "from phone 2");
  REQUIRE(merged.lost.size() == 1);
  CHECK(merged.lost[0].value == "from phone 1");
  CHECK(merged.lost[0].stamp == phone1.stamp);
  CHECK(merge(phone2, merge(phone1, base)) == merged);
}

// The case the old base rule lost silently: the winner's replica wrote twice, so its last
// write's base was its own first write, newer than the phone's.
TEST_CASE("merge: a write is lost to every later write that had not seen it", "[merge][lww]") {
  FieldState phone = write(kNothing, "telefoon", at(10, 1));
  FieldState pc1 = write(kNothing, "pc eerst", at(20, 2));
  FieldState pc2 = write(pc1, "pc daarna", at(30, 2));
  for (const FieldState& merged : {merge(phone, pc2), merge(pc2, phone)}) {
    CHECK(merged.value == "pc daarna");
    REQUIRE(merged.lost.size() == 1);
    CHECK(merged.lost[0].value == "telefoon");  // pc's own first write is not a conflict
  }
}

TEST_CASE("merge: three replicas and a relay keep every concurrent loser", "[merge][lww]") {
  FieldState p = write(kNothing, "p", at(10, 1));
  FieldState q = write(kNothing, "q", at(11, 2));
  FieldState r = write(q, "r", at(12, 3));  // replica 3 had q's value, relayed
  FieldState s = write(kNothing, "s", at(13, 4));
  FieldState all = merge(merge(p, r), merge(s, q));
  CHECK(all.value == "s");
  REQUIRE(all.lost.size() == 2);
  CHECK(all.lost[0].value == "p");
  CHECK(all.lost[1].value == "r");  // q was seen by r: not lost
  CHECK(all == merge(q, merge(s, merge(r, p))));
  // Replica 1 receives everything and writes: one value, nothing lost.
  FieldState settled = write(all, "p2", at(20, 1));
  CHECK(merge(all, settled) == settled);
  CHECK(settled.lost.empty());
  // A stale state arriving later changes nothing.
  CHECK(merge(settled, r) == settled);
}

TEST_CASE("merge: two writes with one stamp merge the same in either order", "[merge][lww]") {
  FieldState a = lww_write("a", at(10, 1));
  FieldState b = lww_write("b", at(10, 1));  // forged: same stamp, another value
  CHECK(merge(a, b) == merge(b, a));
  CHECK(merge(merge(a, b), a) == merge(a, b));
  CHECK(merge(a, b).value == "b");  // the value whose JSON text sorts last
  FieldState oa = register_write(empty_state(MergeRule::once), "a", at(10, 1));
  FieldState ob = register_write(empty_state(MergeRule::once), "b", at(10, 1));
  CHECK(merge(oa, ob) == merge(ob, oa));
  CHECK(merge(merge(oa, ob), oa) == merge(oa, ob));
}

TEST_CASE("merge: write-once keeps the first write everywhere", "[merge][once]") {
  FieldState a = register_write(empty_state(MergeRule::once), "sig-a", at(50, 3));
  FieldState b = register_write(empty_state(MergeRule::once), "sig-b", at(40, 9));
  FieldState empty = empty_state(MergeRule::once);
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
  FieldState r = merge(lww_write(1, at(7, 1)), lww_write(2, at(6, 2)));
  CHECK(r.max_stamp() == at(7, 1));
}

TEST_CASE("merge: received register states are checked before they are merged", "[merge]") {
  FieldState ok = merge(lww_write("a", at(7, 1)), lww_write("b", at(6, 2)));
  FieldState copy = ok;
  CHECK(normalise_register(copy));
  CHECK(copy == ok);
  FieldState bare = ok;
  bare.context = explicit_context(ok);  // an encoding leaves the siblings' stamps out
  CHECK(bare.context.empty());
  CHECK(normalise_register(bare));
  CHECK(bare == ok);
  FieldState ahead = ok;
  ahead.context = {at(9, 3)};  // claims to have seen a write newer than its winner
  CHECK(normalise_register(ahead).code() == WX_CORRUPT);
  FieldState twice = ok;
  twice.lost.push_back({"c", at(5, 1)});  // two siblings of replica 1
  CHECK(normalise_register(twice).code() == WX_CORRUPT);
}
