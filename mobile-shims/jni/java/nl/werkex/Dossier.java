package nl.werkex;

/**
 * The cycle of handvat 12 as operations on a {@link Replica}: plan an activity, prepare it,
 * record what happened, reflect, choose the next step; plus contacts and comments. Each creating
 * operation takes the new entity's fields as JSON (werkex.h names them) and returns its id. A
 * thin view over the replica's handle: as thread-safe as the replica, closed with it.
 */
public final class Dossier {
  private final Replica replica;

  Dossier(Replica replica) { this.replica = replica; }

  /** {@code {"kind", "title", "builds_on", "expected_yield", "use_of_yield", ...}}. */
  public String planActivity(String json) throws WerkexException {
    return create(Native.PLAN_ACTIVITY, json);
  }

  /** {@code {"activity", "known_about_self", "learning_goals", "learning_verbs": [...]}}. */
  public String prepare(String json) throws WerkexException { return create(Native.PREPARE, json); }

  /** {@code {"activity", "occurred_at", "note", "emotion", "photos": [sha256...]}}. */
  public String recordExperience(String json) throws WerkexException {
    return create(Native.RECORD_EXPERIENCE, json);
  }

  /** {@code {"experiences": [...], "qualities": [...], "motives": [...], ...}}. */
  public String reflect(String json) throws WerkexException { return create(Native.REFLECT, json); }

  /** {@code {"reflection", "description", "action", "direction": [...]}}. */
  public String chooseNextStep(String json) throws WerkexException {
    return create(Native.CHOOSE_NEXT_STEP, json);
  }

  /** {@code {"name", ...}}. */
  public String addContact(String json) throws WerkexException {
    return create(Native.ADD_CONTACT, json);
  }

  /** A comment on the entity {@code on}; returns the comment's id. */
  public String comment(String on, String body) throws WerkexException {
    return replica.handle.call(
        h -> Native.text(Native.dossierComment(h, Native.utf8(on), Native.utf8(body))));
  }

  /** Takes an experience recorded without an activity (unplanned) into {@code activityId}. */
  public void linkExperience(String experienceId, String activityId) throws WerkexException {
    replica.handle.call(h -> {
      Native.dossierLinkExperience(h, Native.utf8(experienceId), Native.utf8(activityId));
      return null;
    });
  }

  /**
   * Where an activity stands in the cycle (JSON): "signoff" is the best sign-off status
   * ("valid", "pending", "stale", …, "" for none); "signed_off" is true only when valid.
   */
  public String cycle(String activityId) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.dossierCycle(h, Native.utf8(activityId))));
  }

  /** {@link #cycle} for every activity of {@code bucket} (null: this replica's own dossier). */
  public String cycles(String bucketOrNull) throws WerkexException {
    return replica.handle.call(
        h -> Native.text(Native.dossierCycles(h, Native.utf8(bucketOrNull))));
  }

  /**
   * This device's person's to-do list, computed from the replica alone: a JSON array of
   * {"kind","entity","pupil","due","text"} (see wx_dossier_todo). {@code todayOrNull} is
   * "YYYY-MM-DD"; null takes the replica clock's date. Recompute it after each sync and once a
   * day, and schedule local notifications for the items with a due date.
   */
  public String todo(String todayOrNull) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.dossierTodo(h, Native.utf8(todayOrNull))));
  }

  private String create(int operation, String json) throws WerkexException {
    return replica.handle.call(
        h -> Native.text(Native.dossierCreate(h, operation, Native.utf8(json))));
  }
}
