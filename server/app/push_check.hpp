// The server's judgement of a push, change by change, against what it already holds
// (issue 10: relayed changes and authorship). Called by /v1/sync before the sign-off check.
//
// A change the server already holds — merging it changes nothing — is accepted as a no-op
// without judging it again, provided the pusher may read it: a pupil's PC that imported her
// phone's bundle pushes the mentor's comments and the roster back, and they are not hers to
// write, but they are exactly what the server sent. Everything else is judged on what is new
// in it, the writes (stamps) the server has not seen:
//   - each new write carries the replica id of one of the pusher's own devices (a write
//     relayed between one person's devices is theirs; another person's is refused until it
//     reaches the server from its author), and the bucket and the schema's write roles
//     allow the pusher's role (authorize());
//   - a comment is written only by its author, and `author` names the pusher;
//     `held_by` of a reflection names the pusher (who held the conversation records it);
//   - a value written by a staff member (teacher, supervisor, counsellor) is theirs: another
//     person's write may not displace it as the field's value (counsellors may);
//   - a write-once field keeps the first write the server received: another is refused.
// Invariants: the verdict depends only on the server's state, the push and who pushes it;
// nothing is written here.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "access.hpp"
#include "auth_store.hpp"
#include "dossier_store.hpp"

namespace werkex::server {

struct PushVerdict {
  std::vector<Change> accepted;  // to apply
  std::vector<Change> held;      // already held by the server: nothing to apply
  std::vector<RejectedChange> rejected;
  std::set<std::string> new_comments_without_author;  // the server writes their author
};

Result<PushVerdict> judge_push(const DossierStore& dossiers, AuthStore& auth, const Access& access,
                               const std::vector<Change>& push);

// Writes author = the pusher on new comments that came without one: judged as the pusher
// (DossierStore::put_as), stamped by the server.
Status fill_comment_authors(DossierStore& dossiers, const std::set<std::string>& ids,
                            const Access& access);

}  // namespace werkex::server
