package nl.werkex.test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import nl.werkex.Query;
import nl.werkex.Replica;
import nl.werkex.Sync;
import nl.werkex.Transport;
import nl.werkex.WerkexException;

/** A device of the test: a replica on a file, enrolled at the server through a transport. */
final class Devices {
  private Devices() {}

  static final String QUICK_CURL =
      "{\"connect_timeout_ms\": 2000, \"timeout_ms\": 10000, \"max_attempts\": 2,"
      + " \"backoff_ms\": 50}";

  static final class Device implements AutoCloseable {
    final Replica replica;
    final Transport transport;

    Device(Path file, ServerProcess server, String who, Transport transport)
        throws WerkexException {
      this.replica = Replica.open(file.toString());
      this.transport = transport;
      replica.setServer(server.url());
      new Sync(replica, transport).enroll(server.code(who));
    }

    Map<String, Object> sync() throws WerkexException {
      Map<String, Object> report = MiniJson.object(new Sync(replica, transport).run());
      Check.eq(0, ((List<?>) report.get("rejected")).size(), "sync rejected nothing: " + report);
      return report;
    }

    String user() throws WerkexException {
      return (String) MiniJson.object(replica.status()).get("user");
    }

    List<Object> list(String type) throws WerkexException {
      return MiniJson.array(replica.list(Query.all().type(type)));
    }

    @Override
    public void close() {
      replica.close();
      transport.close();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asObject(Object o) {
    return (Map<String, Object>) o;
  }

  static double number(Map<String, Object> report, String key) {
    Object v = report.get(key);
    if (!(v instanceof Double)) throw new AssertionError(key + " is not a number in " + report);
    return (Double) v;
  }
}
