// Placement requests (stageverzoeken): a pupil asks for a placement at a company of the
// school's network; the counsellor accepts (which makes the placement) or declines.
//
// A request is a `placement_request` entity in the pupil's own dossier, so it syncs and
// merges like every entry and no other pupil's device ever holds it (the server gives a
// pupil only their own dossier). The pupil writes what they ask for; the counsellor writes
// the answer (status, answer, answered_by, placement: the schema's field write roles). An
// accepted request and its placement are written in one transaction.
#pragma once

#include <string>
#include <vector>

#include "werkex/store.hpp"

namespace werkex {

struct PlacementAsk {
  std::string company;  // a company of the network (school bucket), on this replica
  std::string kind;     // placement_kind, optional
  std::string preferred_start, preferred_end;  // YYYY-MM-DD, optional
  std::string motivation;
};

struct PlacementAnswer {
  std::string start_date, end_date;  // required to accept
  std::string kind;                  // "": the kind the pupil asked for
  std::string supervisor;            // optional person id
  std::string answer;                // words to the pupil, optional
};

// The pupil asks (asked_at set from this replica's clock); returns the request's id.
Result<std::string> ask_placement(Replica& replica, const PlacementAsk& ask);
// The requests this replica holds, oldest first: with `open_only`, those not answered yet
// (what the counsellor's list shows); otherwise all (what the pupil sees of their own).
Result<std::vector<json>> placement_requests(const Replica& replica, bool open_only);
// The counsellor accepts: creates the placement (school bucket) and answers the request with
// it; returns the placement's id. WX_CONFLICT if it was answered already.
Result<std::string> accept_placement_request(Replica& replica, const std::string& request,
                                             const PlacementAnswer& answer);
// The counsellor declines, with words for the pupil. WX_CONFLICT if answered already.
Status decline_placement_request(Replica& replica, const std::string& request,
                                 const std::string& answer);

}  // namespace werkex
