package nl.werkex;

/**
 * Placement requests of a {@link Replica} (see werkex_requests.h): a pupil asks for a placement
 * at a company of the school's network; the counsellor accepts (which makes the placement) or
 * declines. A thin view over the replica's handle.
 */
public final class PlacementRequests {
  private final Replica replica;

  PlacementRequests(Replica replica) { this.replica = replica; }

  /**
   * The pupil asks: {@code {"company", "kind", "preferred_start", "preferred_end",
   * "motivation"}}; returns the request's id.
   */
  public String ask(String json) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.placementAsk(h, Native.utf8(json))));
  }

  /** The requests as a JSON array; {@code openOnly}: those not answered yet. */
  public String list(boolean openOnly) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.placementRequests(h, openOnly)));
  }

  /**
   * The counsellor accepts: {@code {"start_date", "end_date", "kind", "supervisor", "answer"}};
   * returns the new placement's id.
   */
  public String accept(String requestId, String json) throws WerkexException {
    return replica.handle.call(
        h -> Native.text(Native.placementAccept(h, Native.utf8(requestId), Native.utf8(json))));
  }

  /** The counsellor declines, with words for the pupil (may be null). */
  public void decline(String requestId, String answerOrNull) throws WerkexException {
    replica.handle.call(h -> {
      Native.placementDecline(h, Native.utf8(requestId), Native.utf8(answerOrNull));
      return null;
    });
  }
}
