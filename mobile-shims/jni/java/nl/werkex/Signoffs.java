package nl.werkex;

/**
 * Sign-off by the workplace supervisor, on a {@link Replica}: online with the supervisor's
 * device key, offline by QR payloads between two phones, or with the placement's PIN on the
 * pupil's phone. A statement is JSON: {@code {"covers": [ids], "date", "placement", "hours",
 * "attendance", "assessment"}}. A thin view over the replica's handle: as thread-safe as the
 * replica, closed with it.
 */
public final class Signoffs {
  private final Replica replica;

  Signoffs(Replica replica) { this.replica = replica; }

  /** Supervisor's phone, online: signs with the device key; the sign-off's id. */
  public String sign(String statementJson) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.signoffSign(h, Native.utf8(statementJson))));
  }

  /** Pupil's phone, offline: a "werkex-sign:v1:" payload to show as a QR code. */
  public String request(String statementJson) throws WerkexException {
    return replica.handle.call(
        h -> Native.text(Native.signoffRequest(h, Native.utf8(statementJson))));
  }

  /** Supervisor's phone, offline: signs a scanned request; a "werkex-sig:v1:" payload. */
  public String signRequest(String payload, String statementJsonOrNull) throws WerkexException {
    return replica.handle.call(h
        -> Native.text(
            Native.signoffSignRequest(h, Native.utf8(payload), Native.utf8(statementJsonOrNull))));
  }

  /** Pupil's phone: checks and stores a scanned signature; the sign-off's id. */
  public String accept(String payload) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.signoffAccept(h, Native.utf8(payload))));
  }

  /**
   * Pupil's phone, supervisor without the app: she types one of her placement's one-time codes;
   * the next sync sends it to the server, which checks and burns it (pending until then).
   */
  public String signWithPin(String statementJson, String pin) throws WerkexException {
    return replica.handle.call(h
        -> Native.text(Native.signoffSignWithPin(h, Native.utf8(statementJson), Native.utf8(pin))));
  }

  public void revoke(String id, String reason) throws WerkexException {
    replica.handle.call(h -> {
      Native.signoffRevoke(h, Native.utf8(id), Native.utf8(reason));
      return null;
    });
  }

  /**
   * {@code {"state": "valid"|"stale"|"superseded"|"invalid"|"revoked"|"pending"|"refused",
   * "method", "reason", "changed"}}, and for a stale one "explanation" (in Dutch words) and "why".
   */
  public String status(String signoffId) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.signoffStatus(h, Native.utf8(signoffId))));
  }

  /** Supervisor's phone: what a scanned request would sign (werkex_signoff.h), signing nothing. */
  public String preview(String payload, String statementJsonOrNull) throws WerkexException {
    return replica.handle.call(h
        -> Native.text(
            Native.signoffPreview(h, Native.utf8(payload), Native.utf8(statementJsonOrNull))));
  }

  /** Pupil's phone, before an edit: the sign-offs it would make stale, as a JSON array. */
  public String signedBy(String entityId) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.signoffSignedBy(h, Native.utf8(entityId))));
  }

  /** The Dutch warning to show before editing this entry, or "" when nothing would be lost. */
  public String editWarning(String entityId) throws WerkexException {
    return replica.handle.call(
        h -> Native.text(Native.signoffEditWarning(h, Native.utf8(entityId))));
  }

  /** {@code {"placement", "hours", "signoffs": [ids]}}: only current valid sign-offs count. */
  public String placementHours(String placementId) throws WerkexException {
    return replica.handle.call(
        h -> Native.text(Native.signoffPlacementHours(h, Native.utf8(placementId))));
  }

  /** The ids of the sign-offs the server refused from this device, one per attempt. */
  public String refused() throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.signoffRefused(h)));
  }

  /** Pupil: takes a refused sign-off away (NOT_FOUND if none such is refused here). */
  public void removeRefused(String signoffId) throws WerkexException {
    replica.handle.call(h -> {
      Native.signoffRemoveRefused(h, Native.utf8(signoffId));
      return null;
    });
  }
}
